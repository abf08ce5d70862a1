-- The live session with this token hash, with its live user or wall token (NULL when the user is
-- disabled or the wall token revoked: the session then ends), and whether its use should be noted.
SELECT s.id, s.user_id, s.wall_token_id,
       u.username, u.role, u.scope_code AS user_scope,
       w.name AS wall_name, w.scope_code AS wall_scope,
       s.seen_at < now() - %(touch_every)s AS stale_seen, dep.id AS department_id
  FROM sessions s
  LEFT JOIN users u ON u.id = s.user_id AND u.disabled_at IS NULL
  LEFT JOIN departments dep ON dep.code = u.department_code
  LEFT JOIN wall_tokens w ON w.id = s.wall_token_id AND w.revoked_at IS NULL
 WHERE s.token_hash = %(token_hash)s
   AND s.ended_at IS NULL
   AND s.idle_until > now()
   AND s.ends_at > now()
