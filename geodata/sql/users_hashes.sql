-- The live users of these names with their password hashes (the demo-password check).
SELECT username, password_hash FROM users WHERE username = ANY(%(usernames)s) AND disabled_at IS NULL
