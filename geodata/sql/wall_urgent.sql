-- The most urgent open cases inside a unit: the escalated ones first (to the district, then to the
-- street; the longest escalated first), then the 督办件 (soonest due), then the others furthest past
-- (or closest to) their deadline. A parked case (no deadline while parked) is not urgent. Each part
-- is read in its own index order (the escalated ones from their partial index, a few at most) and
-- limited before the three are put together; a case shows in one part only.
-- The names are looked up per row of the eight (a join would be planned for as many rows as the
-- parts might return: this statement runs with a generic plan, planned once per connection).
SELECT u.id, k.name AS category, k.name_en AS category_en, coalesce(u.address, '') AS address,
       (SELECT g.name FROM units g WHERE g.id = u.grid_id) AS grid,
       (SELECT m.name FROM units m WHERE m.id = u.community_id) AS community,
       d.name AS department, d.name_en AS department_en,
       u.status, u.reported_at, u.deadline_at, u.supervised, u.escalation,
       extract(epoch FROM now() - u.reported_at) AS age_s, extract(epoch FROM u.deadline_at - now()) AS due_in_s
  FROM ((SELECT c.id, c.category_code, c.address, c.grid_id, c.community_id, c.department_id, c.status,
                c.reported_at, c.deadline_at, c.supervised_at IS NOT NULL AS supervised, c.escalation,
                0 AS part, c.escalated_at AS sort_at
           FROM cases c
          WHERE c.escalation > 0 AND c.is_open AND c.parked_at IS NULL AND c.{scope} = ANY(%(scope_ids)s)
          ORDER BY c.escalation DESC, c.escalated_at, c.id
          LIMIT %(limit)s)
        UNION ALL
        (SELECT c.id, c.category_code, c.address, c.grid_id, c.community_id, c.department_id, c.status,
                c.reported_at, c.deadline_at, true, c.escalation, 1, c.supervise_due_at
           FROM cases c
          WHERE c.is_open AND c.supervised_at IS NOT NULL AND c.parked_at IS NULL AND c.escalation = 0
            AND c.{scope} = ANY(%(scope_ids)s)
          ORDER BY c.supervise_due_at, c.id
          LIMIT %(limit)s)
        UNION ALL
        (SELECT c.id, c.category_code, c.address, c.grid_id, c.community_id, c.department_id, c.status,
                c.reported_at, c.deadline_at, false, c.escalation, 2, c.deadline_at
           FROM cases c
          WHERE c.is_open AND c.supervised_at IS NULL AND c.deadline_at < 'infinity' AND c.escalation = 0
            AND c.{scope} = ANY(%(scope_ids)s)
          ORDER BY c.deadline_at, c.id
          LIMIT %(limit)s)) u
  JOIN case_categories k ON k.code = u.category_code
  LEFT JOIN departments d ON d.id = u.department_id
 ORDER BY u.part, u.escalation DESC, u.sort_at, u.id
 LIMIT %(limit)s
