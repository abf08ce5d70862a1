-- Overdue follows case_overdue (migration 0026), written out here in the form its indexes serve.
-- Cases by top-level category inside a unit (cases whose {scope} is in %(scope_ids)s), as of
-- %(now)s (NULL: the database clock): reported in the last %(days)s days, open now and overdue
-- now (open as in geodata/kpis.py, so the open column sums to the 在办 KPI).
-- Reported and open cases are read apart, each by its own index, and counted once each, per
-- category before the categories are joined.
WITH p AS NOT MATERIALIZED (
    SELECT coalesce(%(now)s::timestamptz, now()) AS now, make_interval(days => %(days)s) AS win
), c AS (
    SELECT c.category_code, count(*) AS reported, 0 AS open, 0 AS overdue
      FROM cases c CROSS JOIN p
     WHERE c.{scope} = ANY(%(scope_ids)s) AND c.reported_at <= p.now AND c.reported_at > p.now - p.win
     GROUP BY 1
    UNION ALL
    SELECT c.category_code, 0, count(*), count(*) FILTER (WHERE c.deadline_at < p.now)
      FROM cases c CROSS JOIN p
     WHERE c.{scope} = ANY(%(scope_ids)s) AND c.reported_at <= p.now AND c.ended_at IS NULL
     GROUP BY 1
    UNION ALL
    SELECT c.category_code, 0, count(*), count(*) FILTER (WHERE c.deadline_at < p.now)
      FROM cases c CROSS JOIN p
     WHERE c.{scope} = ANY(%(scope_ids)s) AND c.reported_at <= p.now AND c.ended_at > p.now
     GROUP BY 1
)
SELECT top.code, top.name, top.name_en,
       sum(c.reported)::int AS reported,
       sum(c.open)::int AS open,
       sum(c.overdue)::int AS overdue
  FROM c
  JOIN case_categories k ON k.code = c.category_code
  JOIN case_categories top ON top.code = coalesce(k.parent_code, k.code)
 GROUP BY top.code, top.name, top.name_en
 ORDER BY reported DESC, open DESC, top.code
