-- Which units' map values may have moved since a moment (issue 29): the one map's tick after a
-- new case recomputed the open and overdue counts of the city's 70,000 grids (100 ms of SQL and
-- 65 ms of reading them) to change one. Each counter row now carries the transaction that last
-- wrote it (``touched``); a page that read the values under a snapshot asks for the rows written
-- by transactions that snapshot did not see (geodata/sql/unit_values_since.sql), with the units of
-- the open cases whose deadline passed since (the clock moves overdue counts by itself).
--
-- Every write of a counter touches it (a row trigger, so every writer is covered: the statement
-- triggers of cases, the bulk loader's unit_stats_add, the rebuild). An update of cases that
-- changes an open case's deadline (an extension, a park) touches its units too: their overdue
-- count may move while the open count does not.
ALTER TABLE unit_stats ADD COLUMN IF NOT EXISTS touched xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX IF NOT EXISTS unit_stats_touched_idx ON unit_stats (touched);

CREATE OR REPLACE FUNCTION unit_stats_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.touched := pg_current_xact_id();
    RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS unit_stats_touch ON unit_stats;
CREATE TRIGGER unit_stats_touch BEFORE UPDATE ON unit_stats FOR EACH ROW EXECUTE FUNCTION unit_stats_touch();

CREATE OR REPLACE FUNCTION cases_stats_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM unit_stats_apply(coalesce(jsonb_object_agg(unit_id, n), '{}')) FROM (
        SELECT unit_id, sum(d)::integer AS n FROM (
            SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id, r.exclusive_grid_id]) AS unit_id, 1 AS d, false AS moved FROM new_rows r WHERE r.is_open
            UNION ALL
            SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id, r.exclusive_grid_id]), -1, false FROM old_rows r WHERE r.is_open
            UNION ALL  -- an open case's deadline moved: +0, a touch
            SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id, r.exclusive_grid_id]), 0, true
              FROM new_rows r JOIN old_rows o ON o.id = r.id
             WHERE r.ended_at IS NULL AND r.deadline_at IS DISTINCT FROM o.deadline_at) x
         WHERE unit_id IS NOT NULL GROUP BY unit_id HAVING sum(d) <> 0 OR bool_or(moved)) d;
    RETURN NULL;
END $$;
ANALYZE unit_stats;
