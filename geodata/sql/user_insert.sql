-- A new user; nothing when the name is taken.
INSERT INTO users (username, display_name, password_hash, role, scope_code, department_code)
VALUES (%(username)s, %(display_name)s, %(password_hash)s, %(role)s, %(scope_code)s, %(department_code)s)
ON CONFLICT (username) DO NOTHING
RETURNING id
