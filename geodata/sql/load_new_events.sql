-- The first event of each new case of a bulk load (as load_upsert_cases writes it for a new case).
INSERT INTO case_events (case_id, at, from_status, to_status, actor, note)
SELECT k.id, s.reported_at, NULL, s.status, %(actor)s, %(note)s
  FROM load_stage_cases s
  JOIN load_new_keys k ON k.source = s.source AND k.external_id = s.external_id
 ORDER BY k.id
