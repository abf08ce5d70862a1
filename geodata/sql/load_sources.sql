-- Case sources (a load names one with --source).
SELECT code FROM case_sources ORDER BY code
