-- Overdue follows case_overdue (migration 0026), written out here in the form its indexes serve.
-- Counts behind the case KPIs (geodata/kpis.py defines them), per {group} unit, for the cases
-- whose {scope} is in %(scope_ids)s, as of %(now)s. Day boundaries are Beijing time. "Open at T"
-- is reported_at <= T AND (ended_at IS NULL OR ended_at > T). The time bounds come from
-- case_windows.sql: the windows are (c1, c2] and (c2, now].
--
-- A count over a window (a, b] of one timestamp is read from the daily counts (case_days, level
-- %(level)s: see geodata.kpis.rollup_level) for the days after day(a) up to day(b), plus the
-- cases of day(a) after a, minus the cases of day(b) after b ("after x": x < t < the midnight
-- that ends its day, less than a day of cases). Open and overdue cases and yesterday's new ones
-- are counted from the cases themselves. Each branch below counts its part; the sums are the
-- counts of one GROUP BY over every case in scope.
--
-- The on-time rate's base (应结案数) adds the cases overdue and open at the end of each window:
-- now (overdue_now) and c2 (overdue_c2). Overdue at c2 is overdue now less the overdue events in
-- [c2, now), a running sum as in drill_trend.sql: +1 when a case not ended by its deadline passes
-- it (late_from, by day of deadline_at), -1 when such a case ends (late_to, by day of ended_at -
-- 1 µs). Whole days from case_days; the parts of day(c2) before c2 and of today after now are
-- taken back from the cases (late_since).
WITH ended AS MATERIALIZED (
    -- Cases ended since this time yesterday or in the partial days, and cases rated in the partial
    -- days, are read by time (a day or two of the whole territory's cases) and then kept when in
    -- scope: planned together, the unit's own index would be read whole to narrow them down.
    SELECT c.city_id, c.district_id, c.street_id, c.community_id, c.grid_id, c.micro_id, c.exclusive_grid_id,
           c.status, c.reported_at, c.ended_at, c.deadline_at
      FROM cases c
     WHERE c.ended_at > %(now_1d)s OR (c.ended_at > %(c1)s AND c.ended_at < %(e1)s)
        OR (c.ended_at > %(c2)s AND c.ended_at <= %(e2)s)
), late_ended AS MATERIALIZED (
    -- Cases that ended after their deadline, due in the partial days (day(c2) from c2, today from
    -- now): their +1 overdue event (cases_late_deadline_idx, migration 0039).
    SELECT c.city_id, c.district_id, c.street_id, c.community_id, c.grid_id, c.micro_id, c.exclusive_grid_id,
           c.deadline_at
      FROM cases c
     WHERE c.ended_at > c.deadline_at
       AND ((c.deadline_at >= %(c2)s AND c.deadline_at < %(e2)s) OR (c.deadline_at >= %(now)s AND c.deadline_at < %(e0)s))
), rated AS MATERIALIZED (
    SELECT c.city_id, c.district_id, c.street_id, c.community_id, c.grid_id, c.micro_id, c.exclusive_grid_id,
           c.reported_at, c.rated_at, c.satisfaction
      FROM cases c
     WHERE c.satisfaction IS NOT NULL
       AND ((c.rated_at > %(c1)s AND c.rated_at < %(e1)s) OR (c.rated_at > %(c2)s AND c.rated_at < %(e2)s)
            OR (c.rated_at > %(now)s AND c.rated_at < %(e0)s)
            OR (c.reported_at > %(now)s AND c.rated_at > %(c1)s AND c.rated_at <= %(now)s))
), parts AS (
    -- Whole days (new today: all of today, less the cases after now below).
    SELECT {group} AS unit_id,
           coalesce(sum(d.reported) FILTER (WHERE d.day = %(d0)s), 0) AS new_now,
           0 AS new_prev, 0 AS open_now, 0 AS open_prev, 0 AS overdue_now, 0 AS overdue_prev,
           coalesce(sum(d.resolved) FILTER (WHERE d.day > %(d2)s), 0) AS resolved_now,
           coalesce(sum(d.on_time) FILTER (WHERE d.day > %(d2)s), 0) AS on_time_now,
           coalesce(sum(d.resolved) FILTER (WHERE d.day > %(d1)s AND d.day <= %(d2)s), 0) AS resolved_prev,
           coalesce(sum(d.on_time) FILTER (WHERE d.day > %(d1)s AND d.day <= %(d2)s), 0) AS on_time_prev,
           coalesce(sum(d.rated) FILTER (WHERE d.day > %(d2)s), 0) AS rated_now,
           coalesce(sum(d.satisfied) FILTER (WHERE d.day > %(d2)s), 0) AS satisfied_now,
           coalesce(sum(d.rated) FILTER (WHERE d.day > %(d1)s AND d.day <= %(d2)s), 0) AS rated_prev,
           coalesce(sum(d.satisfied) FILTER (WHERE d.day > %(d1)s AND d.day <= %(d2)s), 0) AS satisfied_prev,
           coalesce(sum(d.reported) FILTER (WHERE d.day > %(d2)s), 0) AS reported_now,
           coalesce(sum(d.online) FILTER (WHERE d.day > %(d2)s), 0) AS online_now,
           coalesce(sum(d.reported) FILTER (WHERE d.day > %(d1)s AND d.day <= %(d2)s), 0) AS reported_prev,
           coalesce(sum(d.online) FILTER (WHERE d.day > %(d1)s AND d.day <= %(d2)s), 0) AS online_prev,
           coalesce(sum(d.late_from - d.late_to) FILTER (WHERE d.day > %(d2)s), 0) AS late_since,
           -- today's part of the window counts, on their own as well (the live pages read today's
           -- on every change, kpi_cases_live.sql, and the rest of this once a minute)
           coalesce(sum(d.reported) FILTER (WHERE d.day = %(d0)s), 0) AS today_reported,
           coalesce(sum(d.online) FILTER (WHERE d.day = %(d0)s), 0) AS today_online,
           coalesce(sum(d.resolved) FILTER (WHERE d.day = %(d0)s), 0) AS today_resolved,
           coalesce(sum(d.on_time) FILTER (WHERE d.day = %(d0)s), 0) AS today_on_time,
           coalesce(sum(d.rated) FILTER (WHERE d.day = %(d0)s), 0) AS today_rated,
           coalesce(sum(d.satisfied) FILTER (WHERE d.day = %(d0)s), 0) AS today_satisfied
      FROM case_days d
     WHERE d.lvl = %(level)s AND {scope} = ANY(%(scope_ids)s)
       AND d.day >= least(%(d1)s + 1, %(d0)s) AND d.day <= %(d0)s
     GROUP BY 1
    UNION ALL
    -- Never ended: open now, and at this time yesterday. Counted case by case when the groups are
    -- not the scope's own units (%(counted)s false) ...
    SELECT {group}, 0, 0,
           count(*),
           count(*) FILTER (WHERE c.reported_at <= %(now_1d)s),
           count(*) FILTER (WHERE c.deadline_at < %(now)s),
           count(*) FILTER (WHERE c.reported_at <= %(now_1d)s AND c.deadline_at < %(now_1d)s),
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
      FROM cases c
     WHERE NOT %(counted)s AND c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL AND c.reported_at <= %(now)s
     GROUP BY 1
    UNION ALL
    -- ... else as the never-ended cases of the maintained counters (unit_stats: every open case
    -- of a unit) less the few never-ended ones reported after, or due after, this time yesterday
    -- (an index range each): a backlog of a million overdue cases is not read case by case.
    SELECT n.unit_id, 0, 0,
           n.n - coalesce(x.r_now, 0), n.n - coalesce(x.r_1d, 0), n.n - coalesce(x.x_now, 0), n.n - coalesce(x.x_1d, 0),
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
      FROM (SELECT CASE WHEN %(grouped)s THEN s.unit_id END AS unit_id, sum(s.open_cases)::bigint AS n
              FROM unit_stats s
             WHERE %(counted)s AND s.unit_id = ANY(%(scope_ids)s)
             GROUP BY 1) n
      LEFT JOIN (
            SELECT c.g AS unit_id,
                   count(*) FILTER (WHERE c.reported_at > %(now)s) AS r_now,
                   count(*) FILTER (WHERE c.reported_at > %(now_1d)s) AS r_1d,
                   count(*) FILTER (WHERE c.reported_at > %(now)s OR c.deadline_at >= %(now)s) AS x_now,
                   count(*) AS x_1d
              FROM (  -- due after this time yesterday (a deadline range), or due before it but reported after
                    SELECT {group} AS g, c.reported_at, c.deadline_at
                      FROM cases c
                     WHERE %(counted)s AND c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL
                       AND c.deadline_at >= %(now_1d)s
                    UNION ALL
                    SELECT {group} AS g, c.reported_at, c.deadline_at
                      FROM cases c
                     WHERE %(counted)s AND c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL
                       AND c.deadline_at < %(now_1d)s AND c.reported_at > %(now_1d)s) c
             GROUP BY 1) x ON coalesce(x.unit_id, 0) = coalesce(n.unit_id, 0)  -- ids are positive; 0: no group (a hash join)
    UNION ALL
    -- Ended since this time yesterday (open then), and the partial days of the resolved counts.
    SELECT {group}, 0, 0,
           count(*) FILTER (WHERE c.reported_at <= %(now)s AND c.ended_at > %(now)s),
           count(*) FILTER (WHERE c.reported_at <= %(now_1d)s AND c.ended_at > %(now_1d)s),
           count(*) FILTER (WHERE c.reported_at <= %(now)s AND c.ended_at > %(now)s AND c.deadline_at < %(now)s),
           count(*) FILTER (WHERE c.reported_at <= %(now_1d)s AND c.ended_at > %(now_1d)s
                              AND c.deadline_at < %(now_1d)s),
           count(*) FILTER (WHERE r AND c.ended_at > %(c2)s AND c.ended_at < %(e2)s)
             - count(*) FILTER (WHERE r AND c.ended_at > %(now)s AND c.ended_at < %(e0)s),
           count(*) FILTER (WHERE r AND c.ended_at <= c.deadline_at AND c.ended_at > %(c2)s AND c.ended_at < %(e2)s)
             - count(*) FILTER (WHERE r AND c.ended_at <= c.deadline_at AND c.ended_at > %(now)s
                                  AND c.ended_at < %(e0)s),
           count(*) FILTER (WHERE r AND c.ended_at > %(c1)s AND c.ended_at < %(e1)s)
             - count(*) FILTER (WHERE r AND c.ended_at > %(c2)s AND c.ended_at < %(e2)s),
           count(*) FILTER (WHERE r AND c.ended_at <= c.deadline_at AND c.ended_at > %(c1)s AND c.ended_at < %(e1)s)
             - count(*) FILTER (WHERE r AND c.ended_at <= c.deadline_at AND c.ended_at > %(c2)s
                                  AND c.ended_at < %(e2)s),
           0, 0, 0, 0, 0, 0, 0, 0,
           -- overdue events taken back: ends of late cases in (c2, e2], after now today
           count(*) FILTER (WHERE c.ended_at > c.deadline_at AND c.ended_at > %(now)s AND c.ended_at <= %(e0)s)
             - count(*) FILTER (WHERE c.ended_at > c.deadline_at AND c.ended_at > %(c2)s AND c.ended_at <= %(e2)s), 0, 0, 0, 0, 0, 0
      FROM ended c
     CROSS JOIN LATERAL (SELECT c.status IN ('resolved', 'rated', 'closed') AS r) s
     WHERE c.{scope} = ANY(%(scope_ids)s)
     GROUP BY 1
    UNION ALL
    -- Reported: new yesterday up to this time, and the partial days of today and the windows.
    SELECT {group},
           -count(*) FILTER (WHERE c.reported_at > %(now)s AND c.reported_at < %(e0)s),
           count(*) FILTER (WHERE c.reported_at >= %(today_1d)s AND c.reported_at < %(now_1d)s),
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*) FILTER (WHERE c.reported_at > %(c2)s AND c.reported_at < %(e2)s)
             - count(*) FILTER (WHERE c.reported_at > %(now)s AND c.reported_at < %(e0)s),
           count(*) FILTER (WHERE c.handled_online AND c.reported_at > %(c2)s AND c.reported_at < %(e2)s)
             - count(*) FILTER (WHERE c.handled_online AND c.reported_at > %(now)s AND c.reported_at < %(e0)s),
           count(*) FILTER (WHERE c.reported_at > %(c1)s AND c.reported_at < %(e1)s)
             - count(*) FILTER (WHERE c.reported_at > %(c2)s AND c.reported_at < %(e2)s),
           count(*) FILTER (WHERE c.handled_online AND c.reported_at > %(c1)s AND c.reported_at < %(e1)s)
             - count(*) FILTER (WHERE c.handled_online AND c.reported_at > %(c2)s AND c.reported_at < %(e2)s),
           0, 0, 0, 0, 0, 0, 0
      FROM cases c
     WHERE c.{scope} = ANY(%(scope_ids)s)
       AND ((c.reported_at > %(c1)s AND c.reported_at < %(e1)s) OR (c.reported_at > %(c2)s AND c.reported_at < %(e2)s)
            OR (c.reported_at > %(now)s AND c.reported_at < %(e0)s)
            OR (c.reported_at >= %(today_1d)s AND c.reported_at < %(now_1d)s))
     GROUP BY 1
    UNION ALL
    -- Rated: the partial days, and ratings of cases reported after now (which count nowhere).
    SELECT {group}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*) FILTER (WHERE c.rated_at > %(c2)s AND c.rated_at < %(e2)s)
             - count(*) FILTER (WHERE c.rated_at > %(now)s AND c.rated_at < %(e0)s)
             - count(*) FILTER (WHERE c.reported_at > %(now)s AND c.rated_at > %(c2)s AND c.rated_at <= %(now)s),
           count(*) FILTER (WHERE c.satisfaction >= 4 AND c.rated_at > %(c2)s AND c.rated_at < %(e2)s)
             - count(*) FILTER (WHERE c.satisfaction >= 4 AND c.rated_at > %(now)s AND c.rated_at < %(e0)s)
             - count(*) FILTER (WHERE c.satisfaction >= 4 AND c.reported_at > %(now)s AND c.rated_at > %(c2)s
                                  AND c.rated_at <= %(now)s),
           count(*) FILTER (WHERE c.rated_at > %(c1)s AND c.rated_at < %(e1)s)
             - count(*) FILTER (WHERE c.rated_at > %(c2)s AND c.rated_at < %(e2)s)
             - count(*) FILTER (WHERE c.reported_at > %(now)s AND c.rated_at > %(c1)s AND c.rated_at <= %(c2)s),
           count(*) FILTER (WHERE c.satisfaction >= 4 AND c.rated_at > %(c1)s AND c.rated_at < %(e1)s)
             - count(*) FILTER (WHERE c.satisfaction >= 4 AND c.rated_at > %(c2)s AND c.rated_at < %(e2)s)
             - count(*) FILTER (WHERE c.satisfaction >= 4 AND c.reported_at > %(now)s AND c.rated_at > %(c1)s
                                  AND c.rated_at <= %(c2)s),
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
      FROM rated c
     WHERE c.{scope} = ANY(%(scope_ids)s)
     GROUP BY 1    UNION ALL
    -- Overdue events of the partial days: deadlines passed in [c2, e2) count, after now today do
    -- not; of cases never ended (the unit's open index) and of cases that ended late (late_ended).
    SELECT {group}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
           count(*) FILTER (WHERE c.deadline_at >= %(c2)s AND c.deadline_at < %(e2)s)
             - count(*) FILTER (WHERE c.deadline_at >= %(now)s AND c.deadline_at < %(e0)s), 0, 0, 0, 0, 0, 0
      FROM (SELECT c.city_id, c.district_id, c.street_id, c.community_id, c.grid_id, c.micro_id,
                   c.exclusive_grid_id, c.deadline_at
              FROM cases c
             WHERE c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL
               AND ((c.deadline_at >= %(c2)s AND c.deadline_at < %(e2)s)
                    OR (c.deadline_at >= %(now)s AND c.deadline_at < %(e0)s))
            UNION ALL
            SELECT * FROM late_ended c WHERE c.{scope} = ANY(%(scope_ids)s)) c
     GROUP BY 1
)
SELECT unit_id,
       sum(new_now)::bigint AS new_now, sum(new_prev)::bigint AS new_prev,
       sum(open_now)::bigint AS open_now, sum(open_prev)::bigint AS open_prev,
       sum(overdue_now)::bigint AS overdue_now, sum(overdue_prev)::bigint AS overdue_prev,
       sum(resolved_now)::bigint AS resolved_now, sum(on_time_now)::bigint AS on_time_now,
       sum(resolved_prev)::bigint AS resolved_prev, sum(on_time_prev)::bigint AS on_time_prev,
       sum(rated_now)::bigint AS rated_now, sum(satisfied_now)::bigint AS satisfied_now,
       sum(rated_prev)::bigint AS rated_prev, sum(satisfied_prev)::bigint AS satisfied_prev,
       sum(reported_now)::bigint AS reported_now, sum(online_now)::bigint AS online_now,
       sum(reported_prev)::bigint AS reported_prev, sum(online_prev)::bigint AS online_prev,
       sum(overdue_now)::bigint - sum(late_since)::bigint AS overdue_c2,
       sum(today_reported)::bigint AS today_reported, sum(today_online)::bigint AS today_online,
       sum(today_resolved)::bigint AS today_resolved, sum(today_on_time)::bigint AS today_on_time,
       sum(today_rated)::bigint AS today_rated, sum(today_satisfied)::bigint AS today_satisfied
  FROM parts
 GROUP BY unit_id
