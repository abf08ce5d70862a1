-- The partitions of cases: (name, start, end, estimated rows), the months oldest first and
-- cases_default (no bounds) last.
SELECT c.relname,
       CASE WHEN b.bound <> 'DEFAULT' THEN substring(b.bound FROM 'FROM \(''([^'']+)''\)')::timestamptz END,
       CASE WHEN b.bound <> 'DEFAULT' THEN substring(b.bound FROM 'TO \(''([^'']+)''\)')::timestamptz END,
       greatest(c.reltuples, 0)::bigint
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
 CROSS JOIN LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS bound) b
 WHERE i.inhparent = 'cases'::regclass
 ORDER BY b.bound = 'DEFAULT', 2
