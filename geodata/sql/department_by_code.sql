-- A department by its code.
SELECT id FROM departments WHERE code = %(code)s
