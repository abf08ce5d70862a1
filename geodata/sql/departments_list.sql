-- Every department, for pickers.
SELECT code, name, name_en FROM departments ORDER BY code
