-- Cases by top-level category inside a unit (cases whose {scope} is in %(scope_ids)s), as of
-- %(now)s (NULL: the database clock): reported in the last %(days)s days, open now and overdue
-- now (open as in geodata/kpis.py, so the open column sums to the 在办 KPI).
WITH p AS (SELECT coalesce(%(now)s::timestamptz, now()) AS now, make_interval(days => %(days)s) AS win)
SELECT top.code, top.name, top.name_en,
       count(*) FILTER (WHERE c.reported_at > p.now - p.win)::int AS reported,
       count(*) FILTER (WHERE c.ended_at IS NULL OR c.ended_at > p.now)::int AS open,
       count(*) FILTER (WHERE (c.ended_at IS NULL OR c.ended_at > p.now) AND c.deadline_at < p.now)::int AS overdue
  FROM cases c
 CROSS JOIN p
  JOIN case_categories k ON k.code = c.category_code
  JOIN case_categories top ON top.code = coalesce(k.parent_code, k.code)
 WHERE c.{scope} = ANY(%(scope_ids)s) AND c.reported_at <= p.now
   AND (c.reported_at > p.now - p.win OR c.ended_at IS NULL OR c.ended_at > p.now)
 GROUP BY top.code, top.name, top.name_en
 ORDER BY reported DESC, open DESC, top.code
