-- An estimate of how many cases a filter selects, from a fixed sample of 0.2 percent of the table's pages
-- (TABLESAMPLE SYSTEM, REPEATABLE so that a view always reads the same): count × 500.
SELECT count(*) * 500 FROM cases x TABLESAMPLE SYSTEM (0.2) REPEATABLE (7) WHERE {where}
