-- Any depth (issue: a city from its own files). The hierarchy is data: city → district → street →
-- community → grid → micro-grid, or any part of it from the top down, with any number of top-level
-- units of one level. Every unit and every fact (case, camera, checkpoint) carries the id of its
-- unit at each level above it, one integer column per level: the ancestor path, kept in columns
-- so that each level has its b-tree indexes, its row-level-security policy and its daily counts.
-- (Measured at city scale before choosing: an int[] path with a GIN index read a street's open
-- cases in 6.5 ms but made a grid's latest cases under a path policy 8× slower; a closure table
-- 68 ms. Columns keep every read as it was and add the levels that were missing.)

DO $$
BEGIN
    IF (SELECT count(*) FROM pg_roles WHERE rolname IN ('gridops_scope_city', 'gridops_scope_district')) < 2 THEN
        RAISE EXCEPTION 'row-level security needs the NOLOGIN roles gridops_scope_city and gridops_scope_district, '
            'granted to the app role: run  CREATE ROLE gridops_scope_city NOLOGIN; CREATE ROLE gridops_scope_district '
            'NOLOGIN; GRANT gridops_scope_city, gridops_scope_district TO <app user>;  (gridops setup makes them on '
            'the embedded cluster)';
    END IF;
END $$;

-- Units: six levels, a root at any level (a city only at the top), each unit's ancestors by level.
ALTER TABLE units DROP CONSTRAINT IF EXISTS units_level_check;
ALTER TABLE units DROP CONSTRAINT IF EXISTS units_root_has_no_parent;
ALTER TABLE units DROP CONSTRAINT IF EXISTS units_kind_fits_level;
ALTER TABLE units ADD CONSTRAINT units_level_check
    CHECK (level IN ('city', 'district', 'street', 'community', 'grid', 'micro'));
ALTER TABLE units ADD CONSTRAINT units_city_is_a_root CHECK (level <> 'city' OR parent_id IS NULL);
ALTER TABLE units ADD CONSTRAINT units_kind_fits_level CHECK (
    (level = 'city' AND kind = 'city')
    OR (level = 'district' AND kind = 'district')
    OR (level = 'street' AND kind IN ('street', 'town'))
    OR (level = 'community' AND kind IN ('community', 'village'))
    OR (level = 'grid' AND kind IN ('community', 'micro', 'rural', 'exclusive'))
    OR (level = 'micro' AND kind = 'micro')
);
ALTER TABLE units ADD COLUMN IF NOT EXISTS city_id integer REFERENCES units (id);
ALTER TABLE units ADD COLUMN IF NOT EXISTS grid_id integer REFERENCES units (id);
UPDATE units SET grid_id = id WHERE level = 'grid' AND grid_id IS DISTINCT FROM id;
CREATE INDEX IF NOT EXISTS units_district_idx ON units (district_id);

-- A unit's parent sits exactly one level up; a unit's own id fills its own level's column.
CREATE OR REPLACE FUNCTION units_fill_ancestors() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    p units%ROWTYPE;
    expected text := CASE NEW.level WHEN 'district' THEN 'city' WHEN 'street' THEN 'district'
                                    WHEN 'community' THEN 'street' WHEN 'grid' THEN 'community'
                                    WHEN 'micro' THEN 'grid' END;
BEGIN
    IF NEW.parent_id IS NULL THEN
        p := NULL;
    ELSE
        SELECT * INTO p FROM units WHERE id = NEW.parent_id;
        IF NOT FOUND OR p.level IS DISTINCT FROM expected THEN
            RAISE EXCEPTION 'unit %: parent must be a % unit', NEW.code, coalesce(expected, 'no')
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    NEW.city_id := CASE WHEN NEW.level = 'city' THEN NEW.id ELSE p.city_id END;
    NEW.district_id := CASE WHEN NEW.level = 'district' THEN NEW.id ELSE p.district_id END;
    NEW.street_id := CASE WHEN NEW.level = 'street' THEN NEW.id ELSE p.street_id END;
    NEW.community_id := CASE WHEN NEW.level = 'community' THEN NEW.id ELSE p.community_id END;
    NEW.grid_id := CASE WHEN NEW.level = 'grid' THEN NEW.id ELSE p.grid_id END;
    RETURN NEW;
END $$;

-- Facts: the two levels above the street and the micro-grid below the grid.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['cases', 'cameras', 'checkpoints'] LOOP
        EXECUTE format('ALTER TABLE %I ADD COLUMN IF NOT EXISTS city_id integer REFERENCES units (id), '
                       'ADD COLUMN IF NOT EXISTS district_id integer REFERENCES units (id), '
                       'ADD COLUMN IF NOT EXISTS micro_id integer REFERENCES units (id)', t);
        -- Facts of a street so far get their street's district and city; nothing else changes,
        -- so no counter or trigger has anything to do (they are rebuilt below).
        EXECUTE format('ALTER TABLE %I DISABLE TRIGGER USER', t);
        EXECUTE format('UPDATE %I f SET city_id = u.city_id, district_id = u.district_id FROM units u '
                       'WHERE u.id = f.street_id AND (f.district_id IS DISTINCT FROM u.district_id '
                       'OR f.city_id IS DISTINCT FROM u.city_id)', t);
        EXECUTE format('ALTER TABLE %I ENABLE TRIGGER USER', t);
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (district_id)', t || '_district_idx', t);
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (city_id) WHERE city_id IS NOT NULL', t || '_city_idx', t);
        EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (micro_id) WHERE micro_id IS NOT NULL', t || '_micro_idx', t);
    END LOOP;
END $$;
-- The cases of a district by report time, and its open cases, as for the other levels (0022).
DROP INDEX IF EXISTS cases_district_idx;
CREATE INDEX cases_district_idx ON cases (district_id, reported_at) INCLUDE (category_code);
CREATE INDEX IF NOT EXISTS cases_district_open_idx ON cases (district_id, deadline_at)
    INCLUDE (reported_at, street_id, category_code) WHERE ended_at IS NULL;

-- A point's units: the deepest tiling unit that holds it (lowest id on a shared edge, the rule of
-- the bulk path in geodata/unit_assign.py), and every level above it from that unit.
CREATE OR REPLACE FUNCTION assign_unit_ids() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    g units%ROWTYPE;
    lv text;
BEGIN
    FOREACH lv IN ARRAY ARRAY['micro', 'grid', 'community', 'street', 'district', 'city'] LOOP
        SELECT * INTO g FROM units u
         WHERE u.level = lv AND u.kind <> 'exclusive' AND ST_Intersects(u.geom, NEW.geom)
         ORDER BY u.id LIMIT 1;
        EXIT WHEN FOUND;
    END LOOP;
    NEW.city_id := g.city_id;
    NEW.district_id := g.district_id;
    NEW.street_id := g.street_id;
    NEW.community_id := g.community_id;
    NEW.grid_id := g.grid_id;
    NEW.micro_id := CASE WHEN g.level = 'micro' THEN g.id END;
    NEW.exclusive_grid_id := (SELECT u.id FROM units u
                               WHERE u.level = 'grid' AND u.kind = 'exclusive'
                                 AND ST_Intersects(u.geom, NEW.geom) ORDER BY u.id LIMIT 1);
    RETURN NEW;
END $$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['cases', 'cameras', 'checkpoints'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_assign_units', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON %I FOR EACH ROW '
                       'WHEN (NEW.grid_id IS NULL AND NEW.street_id IS NULL AND NEW.district_id IS NULL '
                       'AND NEW.city_id IS NULL) EXECUTE FUNCTION assign_unit_ids()', t || '_assign_units', t);
    END LOOP;
END $$;

-- Open-case counters (0004, 0020) for every level a case carries.
CREATE OR REPLACE FUNCTION cases_stats_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unit_stats AS s (unit_id, open_cases)
    SELECT unit_id, count(*)::integer
      FROM (SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id, r.exclusive_grid_id]) AS unit_id FROM new_rows r WHERE r.is_open) x
     WHERE unit_id IS NOT NULL
     GROUP BY unit_id
     ORDER BY unit_id
    ON CONFLICT (unit_id) DO UPDATE SET open_cases = s.open_cases + EXCLUDED.open_cases;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cases_stats_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM unit_stats_apply(coalesce(jsonb_object_agg(unit_id, -n), '{}')) FROM (
        SELECT unit_id, count(*) AS n
          FROM (SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id, r.exclusive_grid_id]) AS unit_id FROM old_rows r WHERE r.is_open) x
         WHERE unit_id IS NOT NULL GROUP BY unit_id) d;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cases_stats_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM unit_stats_apply(coalesce(jsonb_object_agg(unit_id, n), '{}')) FROM (
        SELECT unit_id, sum(d)::integer AS n FROM (
            SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id, r.exclusive_grid_id]) AS unit_id, 1 AS d FROM new_rows r WHERE r.is_open
            UNION ALL
            SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id, r.exclusive_grid_id]), -1 FROM old_rows r WHERE r.is_open) x
         WHERE unit_id IS NOT NULL GROUP BY unit_id HAVING sum(d) <> 0) d;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION unit_stats_rebuild() RETURNS void
LANGUAGE sql AS $$
    INSERT INTO unit_stats AS s (unit_id, open_cases)
    SELECT u.id, coalesce(c.n, 0) FROM units u LEFT JOIN (
        SELECT unit_id, count(*)::integer AS n
          FROM (SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id, r.exclusive_grid_id]) AS unit_id FROM cases r WHERE r.is_open) x
         WHERE unit_id IS NOT NULL GROUP BY unit_id) c ON c.unit_id = u.id
    ON CONFLICT (unit_id) DO UPDATE SET open_cases = EXCLUDED.open_cases
    WHERE s.open_cases IS DISTINCT FROM EXCLUDED.open_cases;
$$;

-- Daily counts (0016, 0022) at three more levels:
--   lvl 5  city_id, district_id     (a city's districts; a district alone)
--   lvl 6  district_id, street_id   (a district's streets)
--   lvl 7  grid_id, micro_id        (a grid's micro-grids; only cases in a micro-grid)
ALTER TABLE case_days DROP CONSTRAINT IF EXISTS case_days_lvl_check;
ALTER TABLE case_days ADD CONSTRAINT case_days_lvl_check CHECK (lvl BETWEEN 1 AND 7);
ALTER TABLE case_days ADD COLUMN IF NOT EXISTS city_id integer;
ALTER TABLE case_days ADD COLUMN IF NOT EXISTS district_id integer;
ALTER TABLE case_days ADD COLUMN IF NOT EXISTS micro_id integer;
DROP INDEX IF EXISTS case_days_key;
CREATE UNIQUE INDEX case_days_key ON case_days
    (lvl, day, coalesce(street_id, 0), coalesce(community_id, 0), coalesce(grid_id, 0), coalesce(exclusive_grid_id, 0),
     coalesce(city_id, 0), coalesce(district_id, 0), coalesce(micro_id, 0));
CREATE INDEX IF NOT EXISTS case_days_city_idx ON case_days (city_id, lvl, day) WHERE city_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_days_district_idx ON case_days (district_id, lvl, day) WHERE district_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_days_micro_idx ON case_days (micro_id, day) WHERE micro_id IS NOT NULL;

CREATE OR REPLACE FUNCTION case_days_query(cases_query text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT format($q$
        WITH r AS MATERIALIZED (
            SELECT sign, city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id, status,
                   handled_online, satisfaction, reported_at, ended_at, rated_at, deadline_at
              FROM (%s) q
        ), e AS (
            SELECT sign, city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id,
                   (reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
                   sign AS reported, CASE WHEN handled_online THEN sign ELSE 0 END AS online, 0 AS ended,
                   0 AS resolved, 0 AS on_time, 0 AS rated, 0 AS satisfied, 0 AS late_from, 0 AS late_to
              FROM r
            UNION ALL
            SELECT sign, city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id,
                   (ended_at AT TIME ZONE 'Asia/Shanghai')::date, 0, 0, sign,
                   CASE WHEN status IN ('resolved', 'rated', 'closed') THEN sign ELSE 0 END,
                   CASE WHEN status IN ('resolved', 'rated', 'closed') AND ended_at <= deadline_at THEN sign ELSE 0 END,
                   0, 0, 0, 0
              FROM r WHERE ended_at IS NOT NULL
            UNION ALL
            SELECT sign, city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id,
                   (rated_at AT TIME ZONE 'Asia/Shanghai')::date, 0, 0, 0, 0, 0, sign,
                   CASE WHEN satisfaction >= 4 THEN sign ELSE 0 END, 0, 0
              FROM r WHERE satisfaction IS NOT NULL AND rated_at IS NOT NULL
            UNION ALL
            SELECT sign, city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id,
                   (deadline_at AT TIME ZONE 'Asia/Shanghai')::date, 0, 0, 0, 0, 0, 0, 0, sign, 0
              FROM r WHERE ended_at IS NULL OR ended_at > deadline_at
            UNION ALL
            SELECT sign, city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id,
                   ((ended_at - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai')::date, 0, 0, 0, 0, 0, 0, 0, 0,
                   sign
              FROM r WHERE ended_at > deadline_at
        ), p AS (
            SELECT city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id, day,
                   sum(reported)::integer AS reported, sum(online)::integer AS online, sum(ended)::integer AS ended,
                   sum(resolved)::integer AS resolved, sum(on_time)::integer AS on_time, sum(rated)::integer AS rated,
                   sum(satisfied)::integer AS satisfied, sum(late_from)::integer AS late_from,
                   sum(late_to)::integer AS late_to
              FROM e GROUP BY city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id, day
        )
        SELECT CASE WHEN grouping(exclusive_grid_id) = 0 THEN 4
                    WHEN grouping(micro_id) = 0 THEN 7
                    WHEN grouping(city_id) = 0 THEN 5
                    WHEN grouping(district_id) = 0 THEN 6
                    WHEN grouping(grid_id) = 0 THEN 3
                    WHEN grouping(community_id) = 0 THEN 2
                    ELSE 1 END::smallint AS lvl,
               street_id, community_id, grid_id, exclusive_grid_id, city_id, district_id, micro_id, day,
               sum(reported) AS reported, sum(online) AS online, sum(ended) AS ended, sum(resolved) AS resolved,
               sum(on_time) AS on_time, sum(rated) AS rated, sum(satisfied) AS satisfied,
               sum(late_from) AS late_from, sum(late_to) AS late_to
          FROM p
         GROUP BY GROUPING SETS ((day, street_id), (day, street_id, community_id), (day, community_id, grid_id),
                                 (day, exclusive_grid_id), (day, city_id, district_id), (day, district_id, street_id),
                                 (day, grid_id, micro_id))
        HAVING coalesce(street_id, community_id, grid_id, exclusive_grid_id, city_id, district_id, micro_id) IS NOT NULL
           AND (grouping(micro_id) = 1 OR micro_id IS NOT NULL)
    $q$, cases_query)
$$;

DO $$
DECLARE
    upsert text := $q$
        INSERT INTO case_days AS d (lvl, street_id, community_id, grid_id, exclusive_grid_id, city_id, district_id,
                                    micro_id, day, reported, online, ended, resolved, on_time, rated, satisfied,
                                    late_from, late_to)
        SELECT * FROM (%s) x
         WHERE reported <> 0 OR online <> 0 OR ended <> 0 OR resolved <> 0 OR on_time <> 0 OR rated <> 0
            OR satisfied <> 0 OR late_from <> 0 OR late_to <> 0
         ORDER BY lvl, day, coalesce(street_id, 0), coalesce(community_id, 0), coalesce(grid_id, 0),
                  coalesce(exclusive_grid_id, 0), coalesce(city_id, 0), coalesce(district_id, 0), coalesce(micro_id, 0)
        ON CONFLICT (lvl, day, coalesce(street_id, 0), coalesce(community_id, 0), coalesce(grid_id, 0),
                     coalesce(exclusive_grid_id, 0), coalesce(city_id, 0), coalesce(district_id, 0),
                     coalesce(micro_id, 0))
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

CREATE OR REPLACE FUNCTION case_days_rebuild() RETURNS void
LANGUAGE plpgsql SET work_mem = '256MB' AS $$
BEGIN
    TRUNCATE case_days;
    EXECUTE 'INSERT INTO case_days (lvl, street_id, community_id, grid_id, exclusive_grid_id, city_id, district_id, '
            'micro_id, day, reported, online, ended, resolved, on_time, rated, satisfied, late_from, late_to) '
            || case_days_query('SELECT 1 AS sign, * FROM cases');
END $$;

SELECT case_days_rebuild();
SELECT unit_stats_rebuild();

-- Row-level security (0013) for a city's and a district's users: the same integer comparison.
DO $$
DECLARE
    t text;
    lv text;
BEGIN
    FOREACH t IN ARRAY ARRAY['cases', 'cameras', 'checkpoints'] LOOP
        FOREACH lv IN ARRAY ARRAY['city', 'district'] LOOP
            EXECUTE format('DROP POLICY IF EXISTS %I ON %I', 'scope_' || lv, t);
            EXECUTE format('CREATE POLICY %I ON %I TO %I '
                           'USING (%I = current_setting(''gridops.scope_id'')::integer) '
                           'WITH CHECK (%I = current_setting(''gridops.scope_id'')::integer)',
                           'scope_' || lv, t, 'gridops_scope_' || lv, lv || '_id', lv || '_id');
        END LOOP;
    END LOOP;
END $$;

DO $$
DECLARE
    spec text[];
BEGIN
    FOREACH spec SLICE 1 IN ARRAY ARRAY[
        ARRAY['case_events', 'cases', 'case_id'],
        ARRAY['camera_events', 'cameras', 'camera_id'],
        ARRAY['inspections', 'checkpoints', 'checkpoint_id'],
        ARRAY['inspection_results', 'inspections', 'inspection_id']
    ] LOOP
        EXECUTE format('DROP POLICY IF EXISTS scope_part ON %I', spec[1]);
        EXECUTE format('CREATE POLICY scope_part ON %I TO gridops_scope_city, gridops_scope_district, '
                       'gridops_scope_street, gridops_scope_community '
                       'USING (EXISTS (SELECT 1 FROM %I p WHERE p.id = %I.%I)) '
                       'WITH CHECK (EXISTS (SELECT 1 FROM %I p WHERE p.id = %I.%I))',
                       spec[1], spec[2], spec[1], spec[3], spec[2], spec[1], spec[3]);
    END LOOP;
END $$;

-- A role for the whole territory when it has several top-level units: 市级 (city).
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('city', 'district', 'street', 'community', 'analyst', 'admin'));
