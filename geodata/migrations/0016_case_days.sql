-- Daily case counts per unit (case_days), so that the KPIs and trends over weeks of cases read a
-- few hundred rows instead of every case in the window (DESIGN §6: maintain counts rather than
-- recompute them). Queries add the partial days at the edges of their windows from the cases
-- themselves; see geodata/sql/kpi_cases.sql.
--
-- A row counts the cases of one unit on one Beijing day, at one of four levels:
--   lvl 1  street_id                     (the district is the union of its streets)
--   lvl 2  street_id, community_id       (a street's communities)
--   lvl 3  community_id, grid_id         (a community's grids)
--   lvl 4  exclusive_grid_id
-- The level's other id columns are NULL. A NULL id of the level itself is kept (cases without a
-- community, say), so a level adds up to exactly what a GROUP BY over cases gives.
CREATE TABLE IF NOT EXISTS case_days (
    lvl               smallint NOT NULL CHECK (lvl BETWEEN 1 AND 4),
    street_id         integer,
    community_id      integer,
    grid_id           integer,
    exclusive_grid_id integer,
    day               date NOT NULL,
    reported          integer NOT NULL DEFAULT 0,  -- by day of reported_at
    online            integer NOT NULL DEFAULT 0,  --   of which handled online
    ended             integer NOT NULL DEFAULT 0,  -- by day of ended_at (every end: 办结 and 结案)
    resolved          integer NOT NULL DEFAULT 0,  --   of which resolved, rated or closed
    on_time           integer NOT NULL DEFAULT 0,  --   of which resolved by the deadline
    rated             integer NOT NULL DEFAULT 0,  -- by day of rated_at, with a satisfaction
    satisfied         integer NOT NULL DEFAULT 0,  --   of which satisfaction 4 or 5
    late_from         integer NOT NULL DEFAULT 0,  -- by day of deadline_at: not ended by the deadline
    late_to           integer NOT NULL DEFAULT 0   -- by day of ended_at - 1 µs: ended after the deadline
) WITH (fillfactor = 90);  -- room to update today's rows in place (no index entries)
-- Unit ids are positive, so 0 stands for NULL in the key.
CREATE UNIQUE INDEX IF NOT EXISTS case_days_key ON case_days
    (lvl, day, coalesce(street_id, 0), coalesce(community_id, 0), coalesce(grid_id, 0), coalesce(exclusive_grid_id, 0));
CREATE INDEX IF NOT EXISTS case_days_street_idx ON case_days (street_id, lvl, day) WHERE street_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_days_community_idx ON case_days (community_id, lvl, day) WHERE community_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_days_grid_idx ON case_days (grid_id, day) WHERE grid_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_days_exclusive_idx ON case_days (exclusive_grid_id, day)
    WHERE exclusive_grid_id IS NOT NULL;

-- What one case counts on which days. Rows are summed per level with the grouping sets below
-- (grouping(...) tells the level), in the triggers and in the rebuild alike.
CREATE OR REPLACE FUNCTION case_day_counts(
    status text, reported_at timestamptz, ended_at timestamptz, rated_at timestamptz, deadline_at timestamptz,
    satisfaction smallint, handled_online boolean)
RETURNS TABLE (day date, reported integer, online integer, ended integer, resolved integer, on_time integer,
               rated integer, satisfied integer, late_from integer, late_to integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (e.at AT TIME ZONE 'Asia/Shanghai')::date, e.reported, e.online, e.ended, e.resolved, e.on_time, e.rated,
           e.satisfied, e.late_from, e.late_to
      FROM (VALUES
         (reported_at, 1, CASE WHEN handled_online THEN 1 ELSE 0 END, 0, 0, 0, 0, 0, 0, 0),
         (ended_at, 0, 0, 1, CASE WHEN status IN ('resolved', 'rated', 'closed') THEN 1 ELSE 0 END,
          CASE WHEN status IN ('resolved', 'rated', 'closed') AND ended_at <= deadline_at THEN 1 ELSE 0 END, 0, 0, 0, 0),
         (CASE WHEN satisfaction IS NOT NULL THEN rated_at END, 0, 0, 0, 0, 0, 1,
          CASE WHEN satisfaction >= 4 THEN 1 ELSE 0 END, 0, 0),
         (CASE WHEN ended_at IS NULL OR ended_at > deadline_at THEN deadline_at END, 0, 0, 0, 0, 0, 0, 0, 1, 0),
         (CASE WHEN ended_at > deadline_at THEN ended_at - interval '1 microsecond' END, 0, 0, 0, 0, 0, 0, 0, 0, 1)
      ) e (at, reported, online, ended, resolved, on_time, rated, satisfied, late_from, late_to)
     WHERE e.at IS NOT NULL
$$;

-- The rows of case_days for the cases in (%s), a query with the columns of cases and a sign
-- (1 to add them, -1 to take them away).
CREATE OR REPLACE FUNCTION case_days_query(cases_query text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT format($q$
        SELECT CASE grouping(r.street_id, r.community_id, r.grid_id, r.exclusive_grid_id)
                    WHEN 7 THEN 1 WHEN 3 THEN 2 WHEN 9 THEN 3 ELSE 4 END::smallint AS lvl,
               r.street_id, r.community_id, r.grid_id, r.exclusive_grid_id, k.day,
               sum(r.sign * k.reported) AS reported, sum(r.sign * k.online) AS online,
               sum(r.sign * k.ended) AS ended, sum(r.sign * k.resolved) AS resolved,
               sum(r.sign * k.on_time) AS on_time, sum(r.sign * k.rated) AS rated,
               sum(r.sign * k.satisfied) AS satisfied, sum(r.sign * k.late_from) AS late_from,
               sum(r.sign * k.late_to) AS late_to
          FROM (%s) r
         CROSS JOIN LATERAL case_day_counts(r.status, r.reported_at, r.ended_at, r.rated_at, r.deadline_at,
                                            r.satisfaction, r.handled_online) k
         GROUP BY GROUPING SETS ((k.day, r.street_id), (k.day, r.street_id, r.community_id),
                                 (k.day, r.community_id, r.grid_id), (k.day, r.exclusive_grid_id))
        HAVING coalesce(r.street_id, r.community_id, r.grid_id, r.exclusive_grid_id) IS NOT NULL
    $q$, cases_query)
$$;

-- Kept per statement from the transition tables, like the open-case counters (0004): a COPY of a
-- million rows costs one aggregate. Rows are upserted in key order, so concurrent writers cannot
-- deadlock on them; rows whose changes cancel out are left alone. One statement, written once
-- here, becomes a trigger function per operation over that operation's transition tables (plain
-- SQL in each, so it is planned once per session, not at every insert).
DO $$
DECLARE
    upsert text := $q$
        INSERT INTO case_days AS d (lvl, street_id, community_id, grid_id, exclusive_grid_id, day, reported, online,
                                    ended, resolved, on_time, rated, satisfied, late_from, late_to)
        SELECT * FROM (%s) x
         WHERE reported <> 0 OR online <> 0 OR ended <> 0 OR resolved <> 0 OR on_time <> 0 OR rated <> 0
            OR satisfied <> 0 OR late_from <> 0 OR late_to <> 0
         ORDER BY lvl, day, coalesce(street_id, 0), coalesce(community_id, 0), coalesce(grid_id, 0),
                  coalesce(exclusive_grid_id, 0)
        ON CONFLICT (lvl, day, coalesce(street_id, 0), coalesce(community_id, 0), coalesce(grid_id, 0),
                     coalesce(exclusive_grid_id, 0))
        DO UPDATE SET reported = d.reported + EXCLUDED.reported, online = d.online + EXCLUDED.online,
                      ended = d.ended + EXCLUDED.ended, resolved = d.resolved + EXCLUDED.resolved,
                      on_time = d.on_time + EXCLUDED.on_time, rated = d.rated + EXCLUDED.rated,
                      satisfied = d.satisfied + EXCLUDED.satisfied, late_from = d.late_from + EXCLUDED.late_from,
                      late_to = d.late_to + EXCLUDED.late_to$q$;
    op record;
BEGIN
    FOR op IN SELECT * FROM (VALUES
        ('case_days_insert', 'SELECT 1 AS sign, * FROM new_rows'),
        ('case_days_delete', 'SELECT -1 AS sign, * FROM old_rows'),
        ('case_days_update', 'SELECT 1 AS sign, * FROM new_rows UNION ALL SELECT -1, * FROM old_rows')) v (name, source)
    LOOP
        EXECUTE format('CREATE OR REPLACE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS %L', op.name,
                       format('BEGIN %s; RETURN NULL; END', format(upsert, case_days_query(op.source))));
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION case_days_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE case_days;
    RETURN NULL;
END $$;

-- Recompute every row from the cases table (after bulk loads with triggers disabled).
CREATE OR REPLACE FUNCTION case_days_rebuild() RETURNS void
LANGUAGE plpgsql SET work_mem = '256MB' AS $$
BEGIN
    TRUNCATE case_days;
    EXECUTE 'INSERT INTO case_days (lvl, street_id, community_id, grid_id, exclusive_grid_id, day, reported, online, '
            'ended, resolved, on_time, rated, satisfied, late_from, late_to) '
            || case_days_query('SELECT 1 AS sign, * FROM cases');
END $$;

DROP TRIGGER IF EXISTS cases_days_insert ON cases;
CREATE TRIGGER cases_days_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION case_days_insert();
DROP TRIGGER IF EXISTS cases_days_update ON cases;
CREATE TRIGGER cases_days_update AFTER UPDATE ON cases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION case_days_update();
DROP TRIGGER IF EXISTS cases_days_delete ON cases;
CREATE TRIGGER cases_days_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION case_days_delete();
DROP TRIGGER IF EXISTS cases_days_truncate ON cases;
CREATE TRIGGER cases_days_truncate AFTER TRUNCATE ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION case_days_truncate();

SELECT case_days_rebuild();

-- The live part of the queries: open cases by unit (a small share of all cases at city scale),
-- carrying what the KPIs and the category breakdown read of them, so that they are counted from
-- the index alone; an exclusive grid's cases, which had no index; and the category on the unit
-- and report-time indexes of 0004, for the breakdown's reported cases.
CREATE INDEX IF NOT EXISTS cases_street_open_idx ON cases (street_id, deadline_at)
    INCLUDE (reported_at, community_id, category_code) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS cases_community_open_idx ON cases (community_id, deadline_at)
    INCLUDE (reported_at, grid_id, category_code) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS cases_grid_open_idx ON cases (grid_id, deadline_at)
    INCLUDE (reported_at, category_code) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS cases_exclusive_open_idx ON cases (exclusive_grid_id, deadline_at)
    INCLUDE (reported_at, category_code) WHERE ended_at IS NULL AND exclusive_grid_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS cases_exclusive_idx ON cases (exclusive_grid_id, reported_at) INCLUDE (category_code)
    WHERE exclusive_grid_id IS NOT NULL;
DROP INDEX IF EXISTS cases_street_idx;
CREATE INDEX cases_street_idx ON cases (street_id, reported_at) INCLUDE (category_code);
DROP INDEX IF EXISTS cases_community_idx;
CREATE INDEX cases_community_idx ON cases (community_id, reported_at) INCLUDE (category_code);
DROP INDEX IF EXISTS cases_grid_idx;
CREATE INDEX cases_grid_idx ON cases (grid_id, reported_at) INCLUDE (category_code);
