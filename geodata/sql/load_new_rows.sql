-- A bulk load's new cases (geodata/load/months.py): the staged rows whose (source, external id) has
-- no case yet (all of them when none meets a case: %(meets)s false), each with a new case id, in
-- report order and indexed on it, so that each month reads only its own rows; then their keys in
-- case_keys, in key order (the unique index fills page by page). The load holds cases; an intake
-- taking one of these keys at the same moment fails the load as a whole, with nothing written.
-- load_new_rows is dropped at commit or rollback.
CREATE TEMP TABLE load_new_rows ON COMMIT DROP AS
SELECT nextval((SELECT pg_get_serial_sequence('cases', 'id'))::regclass) AS id, s.*
  FROM load_stage_cases s
 WHERE NOT %(meets)s
    OR NOT EXISTS (SELECT 1 FROM case_keys k WHERE k.source = s.source AND k.external_id = s.external_id)
 ORDER BY s.reported_at;
INSERT INTO case_keys (id, source, external_id)
SELECT id, source, external_id FROM load_new_rows ORDER BY source, external_id;
CREATE INDEX ON load_new_rows (reported_at);
ANALYZE load_new_rows;
