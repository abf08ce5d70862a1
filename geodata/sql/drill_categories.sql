-- Overdue follows case_overdue (migration 0026), written out here in the form its indexes serve.
-- Cases by top-level category inside a unit (cases whose {scope} is in %(scope_ids)s), as of
-- %(now)s (NULL: the database clock): reported in the last %(days)s days, open now and overdue
-- now (open as in geodata/kpis.py, so the open column sums to the 在办 KPI).
-- Reported cases are read by their index, open ones from the counters (as the 在办 KPI counts
-- them), each counted per category before the categories are joined.
WITH p AS NOT MATERIALIZED (
    SELECT coalesce(%(now)s::timestamptz, now()) AS now, make_interval(days => %(days)s) AS win
), c AS (
    SELECT c.category_code, count(*) AS reported, 0 AS open, 0 AS overdue
      FROM cases c CROSS JOIN p
     WHERE c.{scope} = ANY(%(scope_ids)s) AND c.reported_at <= p.now AND c.reported_at > p.now - p.win
     GROUP BY 1
    UNION ALL
    -- Open now by the counters of the scope's units and category (migration 0050), for overdue
    -- as well ...
    SELECT s.category_code, 0, sum(s.open_cases), sum(s.open_cases)
      FROM unit_category_stats s
     WHERE s.unit_id = ANY(%(scope_ids)s)
     GROUP BY 1
    UNION ALL
    -- ... less the never-ended cases reported after now (not open yet) and, for overdue, those not
    -- yet due: an index range of the open cases from now, not every open case (970,000 at the top
    -- of the city).
    SELECT c.category_code, 0, -count(*) FILTER (WHERE c.reported_at > p.now), -count(*)
      FROM cases c CROSS JOIN p
     WHERE c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL AND c.deadline_at >= p.now
     GROUP BY 1
    UNION ALL
    SELECT c.category_code, 0, -count(*), -count(*)
      FROM cases c CROSS JOIN p
     WHERE c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL AND c.deadline_at < p.now AND c.reported_at > p.now
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
