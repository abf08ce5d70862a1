-- case_days_add (0042) for a history import: the daily counts of days older than every day counted
-- so far cannot meet an existing row, so they are inserted without ON CONFLICT (a third faster over
-- a million cases); the other days are added to as before.
CREATE OR REPLACE FUNCTION case_days_add(cases_query text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    columns text := 'lvl, street_id, community_id, grid_id, exclusive_grid_id, city_id, district_id, micro_id, '
                    'day, reported, online, ended, resolved, on_time, rated, satisfied, late_from, late_to';
    key text := 'lvl, day, coalesce(street_id, 0), coalesce(community_id, 0), coalesce(grid_id, 0), '
                'coalesce(exclusive_grid_id, 0), coalesce(city_id, 0), coalesce(district_id, 0), coalesce(micro_id, 0)';
    first date;
BEGIN
    -- the oldest day counted, read level by level from the unique key (which leads with the level)
    SELECT min(d) INTO first
      FROM generate_series(1, 7) AS l (lvl)
     CROSS JOIN LATERAL (SELECT min(c.day) AS d FROM case_days c WHERE c.lvl = l.lvl) m;
    DROP TABLE IF EXISTS case_days_added;
    EXECUTE format('CREATE TEMP TABLE case_days_added ON COMMIT DROP AS SELECT * FROM (%s) x '
                   'WHERE reported <> 0 OR online <> 0 OR ended <> 0 OR resolved <> 0 OR on_time <> 0 '
                   'OR rated <> 0 OR satisfied <> 0 OR late_from <> 0 OR late_to <> 0',
                   case_days_query('SELECT 1 AS sign, * FROM (' || cases_query || ') added'));
    EXECUTE format('INSERT INTO case_days (%s) SELECT %s FROM case_days_added WHERE day < %L ORDER BY %s',
                   columns, columns, coalesce(first, 'infinity'::date), key);
    EXECUTE format($q$
        INSERT INTO case_days AS d (%s)
        SELECT %s FROM case_days_added WHERE day >= %L ORDER BY %s
        ON CONFLICT (%s)
        DO UPDATE SET reported = d.reported + EXCLUDED.reported, online = d.online + EXCLUDED.online,
                      ended = d.ended + EXCLUDED.ended, resolved = d.resolved + EXCLUDED.resolved,
                      on_time = d.on_time + EXCLUDED.on_time, rated = d.rated + EXCLUDED.rated,
                      satisfied = d.satisfied + EXCLUDED.satisfied, late_from = d.late_from + EXCLUDED.late_from,
                      late_to = d.late_to + EXCLUDED.late_to$q$,
        columns, columns, coalesce(first, 'infinity'::date), key, key);
    DROP TABLE case_days_added;
END $$;
