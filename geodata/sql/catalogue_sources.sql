-- Where cases come from (12345 hotline, citizen app, grid patrol …).
SELECT code, name, name_en FROM case_sources ORDER BY code
