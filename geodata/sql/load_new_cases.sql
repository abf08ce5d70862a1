-- The new cases a bulk load wrote into the months it set aside (%(months)s: their partitions'
-- names), for the counts that no trigger saw (case_days_add, unit_stats_add).
SELECT c.*
  FROM cases c
 WHERE c.tableoid = ANY(%(months)s::regclass[])
   AND c.id IN (SELECT id FROM load_new_rows)
