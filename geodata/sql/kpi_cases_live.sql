-- The case KPIs' counts that move with every change, as kpi_cases.sql counts them (same
-- parameters, same bounds from case_windows.sql): new today, open and overdue now, and today's
-- whole-day sums of the window counts (today_*). The live pages (geodata/kpis.py live_cases)
-- read these on every change and the rest of kpi_cases.sql, the past, once a minute: at city
-- scale the whole query takes 250 ms, these a few. It runs with a generic plan, planned once per
-- connection (planning it took 15 ms, running it 3): every range is closed on both sides, so that
-- the planner takes it for a narrow one (an open range it would have to take for a third of the
-- table); the 100 years stand for "ever after".
SELECT unit_id,
       sum(new_now)::bigint AS new_now, sum(open_now)::bigint AS open_now, sum(overdue_now)::bigint AS overdue_now,
       sum(reported)::bigint AS today_reported, sum(online)::bigint AS today_online,
       sum(resolved)::bigint AS today_resolved, sum(on_time)::bigint AS today_on_time,
       sum(rated)::bigint AS today_rated, sum(satisfied)::bigint AS today_satisfied
  FROM (
    -- Today's daily counts (new today: all of today, less the cases after now below).
    SELECT {group} AS unit_id, sum(d.reported) AS new_now, 0 AS open_now, 0 AS overdue_now,
           sum(d.reported) AS reported, sum(d.online) AS online, sum(d.resolved) AS resolved,
           sum(d.on_time) AS on_time, sum(d.rated) AS rated, sum(d.satisfied) AS satisfied
      FROM case_days d
     WHERE d.lvl = %(level)s AND {scope} = ANY(%(scope_ids)s) AND d.day = %(d0)s
     GROUP BY 1
    UNION ALL
    -- Reported today after now: not new yet.
    SELECT {group}, -count(*), 0, 0, 0, 0, 0, 0, 0, 0
      FROM cases c
     WHERE c.{scope} = ANY(%(scope_ids)s) AND c.reported_at > %(now)s AND c.reported_at < %(e0)s
     GROUP BY 1
    UNION ALL
    -- Never ended: counted case by case when the groups are not the scope's own units ...
    SELECT {group}, 0, count(*), count(*) FILTER (WHERE c.deadline_at < %(now)s), 0, 0, 0, 0, 0, 0
      FROM cases c
     WHERE NOT %(counted)s AND c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL AND c.reported_at <= %(now)s
     GROUP BY 1
    UNION ALL
    -- ... else the maintained counters (n) less the never-ended cases not yet due or reported
    -- after now (x; r: those reported after now). The ones not yet due are those due from today
    -- on in the daily counts (late_from: +1 on the deadline's day of a case not ended by its
    -- deadline), less those of them that ended late, less the never-ended ones due today before
    -- now: index ranges of today, not every open case not yet due (62,000 at city scale, 30 ms).
    SELECT n.unit_id, 0, n.n - coalesce(x.r, 0), n.n - coalesce(x.x, 0), 0, 0, 0, 0, 0, 0
      FROM (SELECT CASE WHEN %(grouped)s THEN s.unit_id END AS unit_id, sum(s.open_cases)::bigint AS n
              FROM unit_stats s
             WHERE %(counted)s AND s.unit_id = ANY(%(scope_ids)s)
             GROUP BY 1) n
      LEFT JOIN (
            SELECT y.g AS unit_id, sum(y.r) AS r, sum(y.x) AS x
              FROM (SELECT {group} AS g, 0 AS r, sum(d.late_from) AS x
                      FROM case_days d
                     WHERE %(counted)s AND d.lvl = %(level)s AND {scope} = ANY(%(scope_ids)s) AND d.day >= %(d0)s
                     GROUP BY 1
                    UNION ALL
                    SELECT {group}, 0, -count(*)
                      FROM cases c
                     WHERE %(counted)s AND c.{scope} = ANY(%(scope_ids)s) AND c.ended_at > c.deadline_at
                       AND c.deadline_at >= %(today)s AND c.deadline_at < %(today)s + interval '100 years'
                     GROUP BY 1
                    UNION ALL
                    SELECT {group}, 0, -count(*)
                      FROM cases c
                     WHERE %(counted)s AND c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL
                       AND c.deadline_at >= %(today)s AND c.deadline_at < %(now)s
                     GROUP BY 1
                    UNION ALL  -- reported after now: not open yet, and counted in x when already due
                    SELECT {group}, count(*), count(*) FILTER (WHERE c.deadline_at < %(now)s)
                      FROM cases c
                     WHERE %(counted)s AND c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL
                       AND c.reported_at > %(now)s AND c.reported_at < %(now)s + interval '100 years'
                     GROUP BY 1) y
             GROUP BY 1) x ON coalesce(x.unit_id, 0) = coalesce(n.unit_id, 0)  -- ids are positive; 0: no group
    UNION ALL
    -- Ended after now, reported by then: open now.
    SELECT {group}, 0, count(*), count(*) FILTER (WHERE c.deadline_at < %(now)s), 0, 0, 0, 0, 0, 0
      FROM cases c
     WHERE c.{scope} = ANY(%(scope_ids)s) AND c.ended_at > %(now)s AND c.ended_at < %(now)s + interval '100 years'
       AND c.reported_at <= %(now)s
     GROUP BY 1
  ) p
 GROUP BY unit_id
