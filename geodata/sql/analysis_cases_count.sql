-- How many cases the workbench's filter selects (no joins: every clause is on the case row).
SELECT count(*) FROM cases x WHERE {where}
