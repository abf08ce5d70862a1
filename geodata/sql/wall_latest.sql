-- The latest cases reported inside a unit, for the wall's ticker.
SELECT c.id, k.name AS category, k.name_en AS category_en, coalesce(c.address, '') AS address,
       g.name AS grid, m.name AS community, d.name AS department, d.name_en AS department_en,
       c.status, c.reported_at, c.deadline_at, extract(epoch FROM now() - c.reported_at) AS age_s
  FROM cases c
  JOIN case_categories k ON k.code = c.category_code
  LEFT JOIN departments d ON d.id = c.department_id
  LEFT JOIN units g ON g.id = c.grid_id
  LEFT JOIN units m ON m.id = c.community_id
 WHERE c.{scope} = ANY(%(scope_ids)s) AND c.reported_at <= now()
 ORDER BY c.reported_at DESC, c.id DESC
 LIMIT %(limit)s
