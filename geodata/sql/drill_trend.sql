-- Overdue follows case_overdue (migration 0026), written out here in the form its indexes serve.
-- New, closed and overdue cases per day (Beijing time) over the last %(days)s days, for the
-- cases whose {scope} is in %(scope_ids)s, as of %(now)s. The time bounds come from
-- case_windows.sql (the days from first_day to d0, today; e0 is the midnight that ends today).
--   new      reported that day;
--   closed   left the open states that day (ended_at, as in geodata/kpis.py), so that
--            open at the end of a day = open the day before + new − closed;
--   overdue  open and past its deadline at the end of that day (for today: now).
-- Overdue is a running sum of events: a late case counts from the day its deadline passes up to
-- the day it ended; it has ended by the end of day d when ended_at - 1 µs falls on day d or
-- earlier. The first day starts from the sum of every earlier day.
--
-- Whole days come from the daily counts (case_days, level %(level)s: geodata.kpis.rollup_level,
-- late_from and late_to are the overdue events). Today counts whole there too, so what falls
-- after now today (reports, ends, deadlines) is taken back from the cases themselves.
WITH events AS (
    SELECT greatest(d.day, %(first_day)s) AS day,
           CASE WHEN d.day >= %(first_day)s THEN d.reported ELSE 0 END AS new,
           CASE WHEN d.day >= %(first_day)s THEN d.ended ELSE 0 END AS closed,
           d.late_from - d.late_to AS late
      FROM case_days d
     WHERE d.lvl = %(level)s AND {scope} = ANY(%(scope_ids)s) AND d.day <= %(d0)s
    UNION ALL
    SELECT %(d0)s,
           -count(*) FILTER (WHERE c.reported_at > %(now)s AND c.reported_at < %(e0)s),
           -count(*) FILTER (WHERE c.ended_at > %(now)s AND c.ended_at < %(e0)s),
           count(*) FILTER (WHERE c.ended_at > c.deadline_at AND c.ended_at > %(now)s AND c.ended_at <= %(e0)s)
             - count(*) FILTER (WHERE c.deadline_at >= %(now)s AND c.deadline_at < %(e0)s
                                  AND (c.ended_at IS NULL OR c.ended_at > c.deadline_at))
      FROM cases c
     WHERE c.{scope} = ANY(%(scope_ids)s)
       AND ((c.reported_at > %(now)s AND c.reported_at < %(e0)s) OR c.ended_at > %(now)s
            OR (c.ended_at IS NULL AND c.deadline_at >= %(now)s AND c.deadline_at < %(e0)s))
), days AS (
    SELECT %(first_day)s + i AS day FROM generate_series(0, %(days)s - 1) i
)
SELECT d.day,
       coalesce(sum(e.new), 0)::int AS new,
       coalesce(sum(e.closed), 0)::int AS closed,
       (sum(coalesce(sum(e.late), 0)) OVER (ORDER BY d.day))::int AS overdue
  FROM days d LEFT JOIN events e ON e.day = d.day
 GROUP BY d.day
 ORDER BY d.day
