-- What a detached month of cases carries that a bulk load sets aside and rebuilds, as (kind, name):
-- its foreign keys, then its keys, then the indexes that back no key.
SELECT kind, name FROM (
    SELECT 'constraint' AS kind, conname::text AS name, CASE contype WHEN 'f' THEN 0 ELSE 1 END AS ord
      FROM pg_constraint
     WHERE conrelid = %(month)s::regclass AND contype IN ('f', 'p', 'u')
    UNION ALL
    SELECT 'index', i.indexrelid::regclass::text, 2
      FROM pg_index i
     WHERE i.indrelid = %(month)s::regclass
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
) p
ORDER BY ord, name
