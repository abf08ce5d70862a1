-- Counters for cases written around the triggers (issue 28): a history import fills months of cases
-- as tables of their own and attaches them (geodata/load/months.py), so no statement-level trigger
-- of cases sees those rows. These add their counts as the insert triggers would have:
-- case_days_add(query) and unit_stats_add(query), where query selects the new cases' rows.

CREATE FUNCTION case_days_add(cases_query text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($q$
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
                      late_to = d.late_to + EXCLUDED.late_to$q$,
        case_days_query('SELECT 1 AS sign, * FROM (' || cases_query || ') added'));
END $$;

CREATE FUNCTION unit_stats_add(cases_query text) RETURNS void
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
END $$;
