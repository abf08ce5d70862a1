-- id → code and name of the given departments (the rows of an assessment ranking).
SELECT id, code, name FROM departments WHERE id = ANY(%(ids)s)
