-- An estimate of how many cases a filter selects, from a fixed sample of 0.05 percent of the
-- table's pages (TABLESAMPLE SYSTEM, REPEATABLE so that a view always reads the same): count × 2000.
-- At city scale that is about 4,000 cases in 80 ms; it is only asked whether the count is far
-- above the cap (analysis_sql.SAMPLE_SURE), so its spread does not change what is shown.
SELECT count(*) * 2000 FROM cases x TABLESAMPLE SYSTEM (0.05) REPEATABLE (7) WHERE {where}
