-- A demo user whose scope unit no longer exists (a generated city replaced) gets %(scope_code)s.
UPDATE users u SET scope_code = %(scope_code)s
 WHERE u.username = %(username)s AND NOT EXISTS (SELECT 1 FROM units WHERE code = u.scope_code)
