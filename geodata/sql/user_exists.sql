-- Whether a user of this name exists.
SELECT 1 FROM users WHERE username = %(username)s
