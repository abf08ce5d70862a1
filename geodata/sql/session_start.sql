-- A new session: only the SHA-256 of its token is kept.
INSERT INTO sessions (token_hash, user_id, wall_token_id, idle_until, ends_at, ip, user_agent)
VALUES (%(token_hash)s, %(user_id)s, %(wall_token_id)s, least(now() + %(idle)s, now() + %(length)s),
        now() + %(length)s, %(ip)s, left(%(user_agent)s, 300))
RETURNING id
