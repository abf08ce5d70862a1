-- The case sources an API key may be made for.
SELECT code FROM case_sources
