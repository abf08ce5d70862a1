-- The user a sign-in names, with what the check needs.
SELECT id, username, display_name, role, scope_code, password_hash, disabled_at FROM users WHERE username = %(username)s
