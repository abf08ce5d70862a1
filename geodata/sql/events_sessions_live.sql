-- Which of these sessions are still live (the push stream keeps a screen's stream open only while
-- its session is): not ended, not idle too long, not past their end, their user not disabled or
-- their wall token not revoked (as session_lookup reads a session).
SELECT s.id
  FROM sessions s
  LEFT JOIN users u ON u.id = s.user_id AND u.disabled_at IS NULL
  LEFT JOIN wall_tokens w ON w.id = s.wall_token_id AND w.revoked_at IS NULL
 WHERE s.id = ANY(%(ids)s)
   AND s.ended_at IS NULL
   AND s.idle_until > now()
   AND s.ends_at > now()
   AND (u.id IS NOT NULL OR w.id IS NOT NULL)
