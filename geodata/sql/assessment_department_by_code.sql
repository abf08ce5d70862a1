-- A department's id from its code (none: no such department).
SELECT id FROM departments WHERE code = %(code)s
