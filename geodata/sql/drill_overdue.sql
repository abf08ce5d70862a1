-- Overdue follows case_overdue (migration 0026), written out here in the form its indexes serve.
-- The most overdue open cases inside a unit (cases whose {scope} is in %(scope_ids)s) as of
-- %(now)s (NULL: the database clock), earliest deadline first, with what a leader needs to chase
-- them: category, department, age, and the unit whose case list holds them (their grid).
-- Open at now: never ended (the open-case indexes), or ended after now.
WITH p AS NOT MATERIALIZED (SELECT coalesce(%(now)s::timestamptz, now()) AS now),
late AS (
    -- Each branch is cut at the limit in deadline order, so a wide scope (the district) reads
    -- its earliest deadlines from the open-case deadline index (0021) instead of sorting all.
    SELECT * FROM (
        (SELECT c.id, c.category_code, c.department_id, c.reported_at, c.deadline_at, c.grid_id,
                c.exclusive_grid_id, c.community_id, c.street_id
           FROM cases c CROSS JOIN p
          WHERE c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL AND c.deadline_at < p.now
            AND c.reported_at <= p.now
          ORDER BY c.deadline_at, c.id
          LIMIT %(limit)s)
        UNION ALL
        (SELECT c.id, c.category_code, c.department_id, c.reported_at, c.deadline_at, c.grid_id,
                c.exclusive_grid_id, c.community_id, c.street_id
           FROM cases c CROSS JOIN p
          WHERE c.{scope} = ANY(%(scope_ids)s) AND c.ended_at > p.now AND c.deadline_at < p.now
            AND c.reported_at <= p.now
          ORDER BY c.deadline_at, c.id
          LIMIT %(limit)s)
    ) x
     ORDER BY deadline_at, id
     LIMIT %(limit)s
)
SELECT c.id, k.name AS category, k.name_en AS category_en, d.name AS department, d.name_en AS department_en,
       c.reported_at, c.deadline_at,
       extract(epoch FROM p.now - c.reported_at)::bigint AS age_s,
       extract(epoch FROM p.now - c.deadline_at)::bigint AS overdue_s,
       g.code AS unit_code, g.name AS unit_name
  FROM late c
 CROSS JOIN p
  JOIN case_categories k ON k.code = c.category_code
  LEFT JOIN departments d ON d.id = c.department_id
  LEFT JOIN units g ON g.id = coalesce(c.grid_id, c.exclusive_grid_id, c.community_id, c.street_id)
 ORDER BY c.deadline_at, c.id
