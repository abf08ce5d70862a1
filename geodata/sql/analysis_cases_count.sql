-- How many cases the workbench's filter selects, counted up to %(cap)s + 1 (so a broad filter over
-- ten million cases costs a bounded scan; the caller shows "more than cap"). No joins: every
-- clause is on the case row.
SELECT count(*) FROM (SELECT 1 FROM cases x WHERE {where} LIMIT %(cap)s + 1) q
