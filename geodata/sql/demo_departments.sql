-- Departments by id, for the demo's case texts.
SELECT id, name FROM departments
