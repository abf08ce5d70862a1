-- A live (not disabled) user by id.
SELECT id, username, display_name, role, scope_code FROM users WHERE id = %(id)s AND disabled_at IS NULL
