-- Departments, matched by code or name.
SELECT id, code, name, name_en FROM departments ORDER BY id
