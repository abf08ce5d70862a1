-- Staged status changes that the case loop cannot make (closed → reported, say): how many, and
-- the first 20 as (external id, the case's status, the file's status). A load reports them and
-- keeps the case's status, unless backward moves are asked for (load_cases_reconcile).
WITH RECURSIVE moves (f, t) AS (  -- (from, to) pairs reachable in one step of the loop or several
    SELECT from_status, to_status FROM case_transitions
     UNION
    SELECT m.f, ct.to_status FROM moves m JOIN case_transitions ct ON ct.from_status = m.t
)
SELECT count(*) OVER (), s.external_id, c.status, s.status
  FROM load_stage_cases s
  JOIN case_keys k ON k.source = s.source AND k.external_id = s.external_id
  JOIN cases c ON c.id = k.id
 WHERE s.status_given AND s.status <> c.status
   AND NOT EXISTS (SELECT 1 FROM moves WHERE f = c.status AND t = s.status)
 ORDER BY s.external_id
 LIMIT 20
