-- The indexes of cases (the partitioned table's own, each built on every month), as definitions.
SELECT pg_get_indexdef(i.indexrelid)
  FROM pg_index i
 WHERE i.indrelid = 'cases'::regclass AND NOT i.indisprimary
 ORDER BY i.indexrelid
