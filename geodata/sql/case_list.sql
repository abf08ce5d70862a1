-- Cases for the API, newest first, with names resolved. {where} is composed by
-- geodata/cases/search.py from fixed clauses; every value is a parameter.
SELECT c.id, c.source, c.external_id, c.category_code, k.name AS category, c.status,
       st.name AS status_name, c.is_open, case_overdue(c.is_open, c.deadline_at, now()) AS overdue,
       c.description, c.address, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat,
       y.code AS city_code, y.name AS city, r.code AS district_code, r.name AS district,
       s.code AS street_code, s.name AS street, m.code AS community_code, m.name AS community,
       g.code AS grid_code, g.name AS grid, d.code AS department_code, d.name AS department,
       c.reported_at, c.dispatched_at, c.accepted_at, c.resolved_at, c.rated_at, c.closed_at,
       c.deadline_at, c.satisfaction, c.handled_online, c.reply, c.merged_into,
       c.verified_at, c.urge_count, c.rework_count, c.supervised_at, c.supervise_due_at,
       c.deadline_original_at, c.extension_count, c.extension_until, c.extension_reason,
       c.park_requested_at, c.parked_at, c.park_reason,
       (SELECT min(p.id) FROM case_photos p WHERE p.case_id = c.id) AS first_photo_id
  FROM cases c
  JOIN case_categories k ON k.code = c.category_code
  JOIN case_statuses st ON st.code = c.status
  LEFT JOIN departments d ON d.id = c.department_id
  LEFT JOIN units y ON y.id = c.city_id
  LEFT JOIN units r ON r.id = c.district_id
  LEFT JOIN units s ON s.id = c.street_id
  LEFT JOIN units m ON m.id = c.community_id
  LEFT JOIN units g ON g.id = c.grid_id
 WHERE {where}
 ORDER BY c.id DESC
 LIMIT %(limit)s
