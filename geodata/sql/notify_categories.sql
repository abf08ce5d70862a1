SELECT code FROM case_categories ORDER BY code
