-- Every department (a report's subjects and its department ranking), by code.
SELECT id, code, name FROM departments ORDER BY code
