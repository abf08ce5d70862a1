-- A grid's cases (whose {scope} is in %(scope_ids)s) as of %(now)s (NULL: the database clock):
-- every open one, overdue first, then those reported in the last %(days)s days, newest first.
-- Each row carries the case id the overdue lists link to (#case-<id>).
-- The cases are read in three parts that each have an index: never ended, ended after now, and
-- ended by now but reported in the window (of which the newest %(limit)s can show).
WITH p AS NOT MATERIALIZED (
    SELECT coalesce(%(now)s::timestamptz, now()) AS now, make_interval(days => %(days)s) AS win
),
c AS (
    SELECT c.*, true AS open_now, p.now AS at
      FROM cases c CROSS JOIN p
     WHERE c.{scope} = ANY(%(scope_ids)s) AND c.reported_at <= p.now AND c.ended_at IS NULL
    UNION ALL
    SELECT c.*, true, p.now
      FROM cases c CROSS JOIN p
     WHERE c.{scope} = ANY(%(scope_ids)s) AND c.reported_at <= p.now AND c.ended_at > p.now
    UNION ALL
    (SELECT c.*, false, p.now  -- they come after every open case, newest first: the first %(limit)s do
       FROM cases c CROSS JOIN p
      WHERE c.{scope} = ANY(%(scope_ids)s) AND c.reported_at <= p.now AND c.reported_at > p.now - p.win
        AND c.ended_at <= p.now
      ORDER BY c.reported_at DESC, c.id
      LIMIT %(limit)s)
)
SELECT c.id, c.source, s.name AS status, s.name_en AS status_en, k.name AS category, k.name_en AS category_en,
       d.name AS department, d.name_en AS department_en, c.address, c.reported_at, c.deadline_at, c.ended_at,
       c.open_now AS is_open, case_overdue(c.open_now, c.deadline_at, c.at) AS overdue
  FROM c
  JOIN case_statuses s ON s.code = c.status
  JOIN case_categories k ON k.code = c.category_code
  LEFT JOIN departments d ON d.id = c.department_id
 ORDER BY c.open_now DESC, case_overdue(c.open_now, c.deadline_at, c.at) DESC, CASE WHEN c.open_now THEN c.deadline_at END,
          c.reported_at DESC, c.id
 LIMIT %(limit)s
