-- The latest cases reported inside a unit, for the wall's ticker.
-- The newest are taken first, then their names looked up (the statement runs with a generic
-- plan, planned once per connection, which cannot count on the limit being small).
SELECT c.id, k.name AS category, k.name_en AS category_en, coalesce(c.address, '') AS address,
       (SELECT g.name FROM units g WHERE g.id = c.grid_id) AS grid,
       (SELECT m.name FROM units m WHERE m.id = c.community_id) AS community,
       d.name AS department, d.name_en AS department_en,
       c.status, c.reported_at, c.deadline_at, extract(epoch FROM now() - c.reported_at) AS age_s
  FROM (SELECT c.id, c.category_code, c.department_id, c.grid_id, c.community_id, c.address, c.status,
               c.reported_at, c.deadline_at
          FROM cases c
         WHERE c.{scope} = ANY(%(scope_ids)s) AND c.reported_at <= now()
         ORDER BY c.reported_at DESC, c.id DESC
         LIMIT %(limit)s) c
  JOIN case_categories k ON k.code = c.category_code
  LEFT JOIN departments d ON d.id = c.department_id
 ORDER BY c.reported_at DESC, c.id DESC
