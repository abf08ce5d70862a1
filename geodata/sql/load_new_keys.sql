-- A bulk load's new cases (geodata/load/months.py): the staged rows whose (source, external id) has
-- no case yet take their keys in case_keys, in key order (the unique index fills page by page).
-- load_new_keys keeps the keys, and load_new_rows the rows with their ids, in report order and
-- indexed on it, so that each month reads only its own rows. The load holds cases; an intake taking
-- one of these keys at the same moment fails the load as a whole, with nothing written. Both are
-- dropped at commit or rollback.
CREATE TEMP TABLE load_new_keys (id bigint NOT NULL, source text NOT NULL, external_id text NOT NULL) ON COMMIT DROP;
WITH seq AS (SELECT pg_get_serial_sequence('cases', 'id')::regclass AS ids), k AS (
    INSERT INTO case_keys (id, source, external_id)
    SELECT nextval((SELECT ids FROM seq)), s.source, s.external_id
      FROM (SELECT s.source, s.external_id
              FROM load_stage_cases s
             WHERE NOT EXISTS (SELECT 1 FROM case_keys k WHERE k.source = s.source AND k.external_id = s.external_id)
             ORDER BY s.source, s.external_id) s
    RETURNING id, source, external_id
)
INSERT INTO load_new_keys SELECT * FROM k;
CREATE TEMP TABLE load_new_rows ON COMMIT DROP AS
SELECT k.id, s.*
  FROM load_stage_cases s
  JOIN load_new_keys k ON k.source = s.source AND k.external_id = s.external_id
 ORDER BY s.reported_at;
CREATE INDEX ON load_new_rows (reported_at);
ANALYZE load_new_keys;
ANALYZE load_new_rows;
