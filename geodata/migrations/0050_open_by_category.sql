-- Open cases per unit and category (issue 29). The drill-down's categories panel counted the open
-- cases of its unit by category case by case: at the top of the city 970,000 of them, 280 ms of
-- a click's one second. These counters are kept like unit_stats (0004, 0028): by the statement
-- triggers of cases from their transition tables, for every level a case carries; a bulk load
-- adds its rows' counts (unit_stats_add) and a recount rebuilds them (unit_stats_rebuild).
CREATE TABLE IF NOT EXISTS unit_category_stats (
    unit_id       integer NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    category_code text NOT NULL,
    open_cases    integer NOT NULL DEFAULT 0 CHECK (open_cases >= 0),
    PRIMARY KEY (unit_id, category_code)
);

-- Add deltas to the counters: rows locked in key order first, so that concurrent writers cannot
-- deadlock on them (unit_stats_apply's rule).
CREATE OR REPLACE FUNCTION unit_category_stats_apply(unit_ids integer[], codes text[], deltas integer[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF unit_ids IS NULL THEN
        RETURN;
    END IF;
    PERFORM 1 FROM unit_category_stats s
      JOIN unnest(unit_ids, codes) d (unit_id, code) ON s.unit_id = d.unit_id AND s.category_code = d.code
     ORDER BY s.unit_id, s.category_code FOR UPDATE OF s;
    UPDATE unit_category_stats s SET open_cases = s.open_cases + d.n
      FROM unnest(unit_ids, codes, deltas) d (unit_id, code, n)
     WHERE s.unit_id = d.unit_id AND s.category_code = d.code;
    INSERT INTO unit_category_stats (unit_id, category_code, open_cases)
    SELECT d.unit_id, d.code, d.n FROM unnest(unit_ids, codes, deltas) d (unit_id, code, n)
     WHERE NOT EXISTS (SELECT 1 FROM unit_category_stats s WHERE s.unit_id = d.unit_id AND s.category_code = d.code)
     ORDER BY 1, 2
    ON CONFLICT (unit_id, category_code) DO UPDATE SET open_cases = unit_category_stats.open_cases + EXCLUDED.open_cases;
END $$;

CREATE OR REPLACE FUNCTION cases_category_stats_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unit_category_stats AS s (unit_id, category_code, open_cases)
    SELECT unit_id, category_code, count(*)::integer
      FROM (SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id,
                                r.exclusive_grid_id]) AS unit_id, r.category_code
              FROM new_rows r WHERE r.is_open) x
     WHERE unit_id IS NOT NULL
     GROUP BY 1, 2
     ORDER BY 1, 2
    ON CONFLICT (unit_id, category_code) DO UPDATE SET open_cases = s.open_cases + EXCLUDED.open_cases;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cases_category_stats_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM unit_category_stats_apply(array_agg(unit_id), array_agg(category_code), array_agg(n)) FROM (
            SELECT unit_id, category_code, sum(d)::integer AS n FROM (
                SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id,
                                    r.exclusive_grid_id]) AS unit_id, r.category_code, 1 AS d
                  FROM new_rows r WHERE r.is_open
                UNION ALL
                SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id,
                                    r.exclusive_grid_id]), r.category_code, -1
                  FROM old_rows r WHERE r.is_open) x
             WHERE unit_id IS NOT NULL GROUP BY 1, 2 HAVING sum(d) <> 0) c;
    ELSE
        PERFORM unit_category_stats_apply(array_agg(unit_id), array_agg(category_code), array_agg(n)) FROM (
            SELECT unit_id, category_code, -count(*)::integer AS n
              FROM (SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id,
                                        r.exclusive_grid_id]) AS unit_id, r.category_code
                      FROM old_rows r WHERE r.is_open) x
             WHERE unit_id IS NOT NULL GROUP BY 1, 2) c;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION cases_category_stats_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM unit_category_stats;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS cases_category_stats_insert ON cases;
CREATE TRIGGER cases_category_stats_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_category_stats_insert();
DROP TRIGGER IF EXISTS cases_category_stats_update ON cases;
CREATE TRIGGER cases_category_stats_update AFTER UPDATE ON cases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_category_stats_change();
DROP TRIGGER IF EXISTS cases_category_stats_delete ON cases;
CREATE TRIGGER cases_category_stats_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_category_stats_change();
DROP TRIGGER IF EXISTS cases_category_stats_truncate ON cases;
CREATE TRIGGER cases_category_stats_truncate AFTER TRUNCATE ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION cases_category_stats_truncate();

-- The bulk loader's counts of the rows it added (0042) and the recount (0028), for both tables.
CREATE OR REPLACE FUNCTION unit_stats_add(cases_query text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
        INSERT INTO unit_stats AS s (unit_id, open_cases)
        SELECT unit_id, count(*)::integer
          FROM (SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id,
                                    r.exclusive_grid_id]) AS unit_id
                  FROM (%s) r WHERE r.is_open) x
         WHERE unit_id IS NOT NULL
         GROUP BY unit_id
         ORDER BY unit_id
        ON CONFLICT (unit_id) DO UPDATE SET open_cases = s.open_cases + EXCLUDED.open_cases$q$, cases_query);
    EXECUTE format($q$
        INSERT INTO unit_category_stats AS s (unit_id, category_code, open_cases)
        SELECT unit_id, category_code, count(*)::integer
          FROM (SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id,
                                    r.exclusive_grid_id]) AS unit_id, r.category_code
                  FROM (%s) r WHERE r.is_open) x
         WHERE unit_id IS NOT NULL
         GROUP BY 1, 2
         ORDER BY 1, 2
        ON CONFLICT (unit_id, category_code) DO UPDATE SET open_cases = s.open_cases + EXCLUDED.open_cases$q$,
        cases_query);
END $$;

CREATE OR REPLACE FUNCTION unit_category_stats_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM unit_category_stats;
    INSERT INTO unit_category_stats (unit_id, category_code, open_cases)
    SELECT unit_id, category_code, count(*)::integer
      FROM (SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id,
                                r.exclusive_grid_id]) AS unit_id, r.category_code
              FROM cases r WHERE r.is_open) x
     WHERE unit_id IS NOT NULL
     GROUP BY 1, 2
     ORDER BY 1, 2;
END $$;

CREATE OR REPLACE FUNCTION unit_stats_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO unit_stats AS s (unit_id, open_cases)
    SELECT u.id, coalesce(c.n, 0) FROM units u LEFT JOIN (
        SELECT unit_id, count(*)::integer AS n
          FROM (SELECT unnest(ARRAY[r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id, r.exclusive_grid_id]) AS unit_id FROM cases r WHERE r.is_open) x
         WHERE unit_id IS NOT NULL GROUP BY unit_id) c ON c.unit_id = u.id
    ON CONFLICT (unit_id) DO UPDATE SET open_cases = EXCLUDED.open_cases
    WHERE s.open_cases IS DISTINCT FROM EXCLUDED.open_cases;
    PERFORM unit_category_stats_rebuild();
END $$;

SELECT unit_category_stats_rebuild();
