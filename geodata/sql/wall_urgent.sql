-- The most urgent open cases inside a unit: the 督办件 first (soonest due), then the others
-- furthest past (or closest to) their deadline. A parked case (no deadline while parked) is not
-- urgent. Each part is read in its own index order and limited before the two are put together.
SELECT u.id, k.name AS category, k.name_en AS category_en, coalesce(u.address, '') AS address,
       g.name AS grid, m.name AS community, d.name AS department, d.name_en AS department_en,
       u.status, u.reported_at, u.deadline_at, u.supervised, extract(epoch FROM now() - u.reported_at) AS age_s,
       extract(epoch FROM u.deadline_at - now()) AS due_in_s
  FROM ((SELECT c.id, c.category_code, c.address, c.grid_id, c.community_id, c.department_id, c.status,
                c.reported_at, c.deadline_at, true AS supervised, c.supervise_due_at AS sort_at
           FROM cases c
          WHERE c.is_open AND c.supervised_at IS NOT NULL AND c.parked_at IS NULL AND c.{scope} = ANY(%(scope_ids)s)
          ORDER BY c.supervise_due_at, c.id
          LIMIT %(limit)s)
        UNION ALL
        (SELECT c.id, c.category_code, c.address, c.grid_id, c.community_id, c.department_id, c.status,
                c.reported_at, c.deadline_at, false, c.deadline_at
           FROM cases c
          WHERE c.is_open AND c.supervised_at IS NULL AND c.deadline_at < 'infinity' AND c.{scope} = ANY(%(scope_ids)s)
          ORDER BY c.deadline_at, c.id
          LIMIT %(limit)s)) u
  JOIN case_categories k ON k.code = u.category_code
  LEFT JOIN departments d ON d.id = u.department_id
  LEFT JOIN units g ON g.id = u.grid_id
  LEFT JOIN units m ON m.id = u.community_id
 ORDER BY u.supervised DESC, u.sort_at, u.id
 LIMIT %(limit)s
