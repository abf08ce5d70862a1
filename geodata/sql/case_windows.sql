-- The moments that bound the case counts (geodata/kpis.py, the drill-down trend) as of %(now)s
-- (NULL: the database clock), for windows of %(days)s days. Days are Beijing days. The counting
-- query runs next in the same transaction and gets these as values, so that the planner sees
-- how many cases each of its time ranges holds.
--   now, today      now and today's midnight; now_1d and today_1d: a day before each
--   c1, c2          the windows (c1, c2] and (c2, now]
--   d0, d1, d2      the days of now, c1 and c2; e0, e1, e2: the midnights that end them
--   first_day       the first of the last %(days)s days, today included
SELECT m.now, m.today, m.now - interval '1 day' AS now_1d, m.today - interval '1 day' AS today_1d, m.c1, m.c2,
       m.d0, (m.d0 + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS e0,
       m.d1, (m.d1 + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS e1,
       m.d2, (m.d2 + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS e2,
       m.d0 - (%(days)s - 1) AS first_day
  FROM (SELECT w.*, (w.now AT TIME ZONE 'Asia/Shanghai')::date AS d0,
               (w.c1 AT TIME ZONE 'Asia/Shanghai')::date AS d1, (w.c2 AT TIME ZONE 'Asia/Shanghai')::date AS d2
          FROM (SELECT n AS now,
                       date_trunc('day', n AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS today,
                       n - 2 * make_interval(days => %(days)s) AS c1,
                       n - make_interval(days => %(days)s) AS c2
                  FROM (SELECT coalesce(%(now)s::timestamptz, now()) AS n) x) w) m
