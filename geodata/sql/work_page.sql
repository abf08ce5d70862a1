-- One page of a workbench queue, soonest deadline first (a parked case, which has none, last),
-- with names resolved (the queue's size is work_total.sql). {where} is composed by
-- geodata/cases/work.py from fixed clauses; every value is a parameter.
SELECT c.id, k.name AS category, k.name_en AS category_en, c.status, st.name AS status_name,
       st.name_en AS status_name_en, coalesce(g.name, m.name, s.name) AS place, d.name AS department,
       d.name_en AS department_en, c.reported_at, c.deadline_at, case_overdue(c.is_open, c.deadline_at, now()) AS overdue,
       c.urge_count, c.rework_count, c.supervised_at IS NOT NULL AS supervised, c.parked_at IS NOT NULL AS parked,
       left(c.description, 80) AS description
  FROM cases c
  JOIN case_categories k ON k.code = c.category_code
  JOIN case_statuses st ON st.code = c.status
  LEFT JOIN departments d ON d.id = c.department_id
  LEFT JOIN units s ON s.id = c.street_id
  LEFT JOIN units m ON m.id = c.community_id
  LEFT JOIN units g ON g.id = c.grid_id
 WHERE (c.is_open OR c.status IN ('resolved', 'rated')) AND {where}
 ORDER BY c.deadline_at NULLS LAST, c.id
 LIMIT %(limit)s OFFSET %(offset)s
