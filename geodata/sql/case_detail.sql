-- One case with its names resolved: category, source, status, department and units.
SELECT c.id, c.source, src.name AS source_name, src.name_en AS source_name_en, c.external_id,
       c.category_code, k.name AS category, k.name_en AS category_en, k.sla_hours,
       c.status, st.name AS status_name, st.name_en AS status_name_en, c.is_open,
       c.description, c.address, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat,
       y.name AS city, y.code AS city_code, r.name AS district, r.code AS district_code,
       s.name AS street, s.code AS street_code, m.name AS community, m.code AS community_code,
       g.name AS grid, g.code AS grid_code, g.manager AS grid_manager, x.name AS exclusive_grid,
       d.name AS department, d.name_en AS department_en,
       c.reported_at, c.dispatched_at, c.accepted_at, c.resolved_at, c.rated_at, c.closed_at, c.deadline_at,
       case_overdue(c.is_open, c.deadline_at, now()) AS overdue, c.satisfaction, c.handled_online, c.reply, c.merged_into,
       c.source_category, c.source_status,
       c.verified_at, c.urge_count, c.rework_count, c.supervised_at, c.supervise_due_at, c.supervised_by,
       c.deadline_original_at, c.extension_count, c.extension_until, c.extension_reason,
       c.park_requested_at, c.parked_at, c.park_reason, c.parked_deadline_at,
       CASE WHEN g.id IS NOT NULL THEN ST_AsBinary(g.geom) END AS grid_wkb
  FROM cases c
  JOIN case_categories k ON k.code = c.category_code
  JOIN case_sources src ON src.code = c.source
  JOIN case_statuses st ON st.code = c.status
  LEFT JOIN departments d ON d.id = c.department_id
  LEFT JOIN units y ON y.id = c.city_id
  LEFT JOIN units r ON r.id = c.district_id
  LEFT JOIN units s ON s.id = c.street_id
  LEFT JOIN units m ON m.id = c.community_id
  LEFT JOIN units g ON g.id = c.grid_id
  LEFT JOIN units x ON x.id = c.exclusive_grid_id
 WHERE c.id = %(id)s
