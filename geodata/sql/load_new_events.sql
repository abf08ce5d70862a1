-- The first event of each new case of a bulk load (as load_upsert_cases writes it for a new case).
INSERT INTO case_events (case_id, at, from_status, to_status, actor, note)
SELECT r.id, r.reported_at, NULL, r.status, %(actor)s, %(note)s
  FROM load_new_rows r
 ORDER BY r.id
