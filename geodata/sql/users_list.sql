-- Every user, for admins.
SELECT username, display_name, role, scope_code, created_at, disabled_at FROM users ORDER BY id
