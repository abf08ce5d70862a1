-- A user's live sessions, newest first (for admins).
SELECT s.id, s.created_at, s.seen_at, s.idle_until, s.ends_at, host(s.ip) AS ip, s.user_agent
  FROM sessions s JOIN users u ON u.id = s.user_id
 WHERE u.username = %(username)s AND s.ended_at IS NULL AND s.idle_until > now() AND s.ends_at > now()
 ORDER BY s.id DESC
