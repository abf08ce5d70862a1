-- New, closed and overdue cases per day (Beijing time) over the last %(days)s days, for the
-- cases whose {scope} is in %(scope_ids)s, as of %(now)s (NULL: the database clock).
--   new      reported that day;
--   closed   left the open states that day (ended_at, as in geodata/kpis.py), so that
--            open at the end of a day = open the day before + new − closed;
--   overdue  open and past its deadline at the end of that day (for today: now).
-- Overdue is a running sum of events, so each case is read once, not once per day: a late case
-- counts from the day its deadline passes (or the first day) up to the day it ended; it has
-- ended by the end of day d when ended_at - 1 µs falls on day d or earlier.
WITH p AS (
    SELECT n AS now, (n AT TIME ZONE 'Asia/Shanghai')::date AS today,
           (n AT TIME ZONE 'Asia/Shanghai')::date - (%(days)s - 1) AS first_day
      FROM (SELECT coalesce(%(now)s::timestamptz, now()) AS n) x
), w AS (
    SELECT p.*, p.first_day::timestamp AT TIME ZONE 'Asia/Shanghai' AS lo FROM p
), c AS MATERIALIZED (
    SELECT c.reported_at, c.ended_at, c.deadline_at
      FROM cases c CROSS JOIN w
     WHERE c.{scope} = ANY(%(scope_ids)s) AND c.reported_at <= w.now
       AND (c.ended_at IS NULL OR c.ended_at >= w.lo)
), late AS (
    SELECT c.* FROM c CROSS JOIN w
     WHERE c.deadline_at < w.now AND (c.ended_at IS NULL OR (c.ended_at > c.deadline_at AND c.ended_at > w.lo))
), events AS (
    SELECT (reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, 1 AS new, 0 AS closed, 0 AS late
      FROM c CROSS JOIN w WHERE c.reported_at >= w.lo
    UNION ALL
    SELECT (ended_at AT TIME ZONE 'Asia/Shanghai')::date, 0, 1, 0
      FROM c CROSS JOIN w WHERE c.ended_at <= w.now
    UNION ALL
    SELECT greatest((deadline_at AT TIME ZONE 'Asia/Shanghai')::date, w.first_day), 0, 0, 1
      FROM late CROSS JOIN w
    UNION ALL
    SELECT ((ended_at - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai')::date, 0, 0, -1
      FROM late CROSS JOIN w WHERE late.ended_at <= w.now
), days AS (
    SELECT w.first_day + i AS day FROM w, generate_series(0, %(days)s - 1) i
)
SELECT d.day,
       coalesce(sum(e.new), 0)::int AS new,
       coalesce(sum(e.closed), 0)::int AS closed,
       (sum(coalesce(sum(e.late), 0)) OVER (ORDER BY d.day))::int AS overdue
  FROM days d LEFT JOIN events e ON e.day = d.day
 GROUP BY d.day
 ORDER BY d.day
