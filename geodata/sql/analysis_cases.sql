-- Cases for the analyst workbench, names resolved. {where} is composed
-- by geodata/analysis/statements.py from whitelisted clauses; every value is a parameter.
SELECT x.id, x.external_id, x.category_code, k.name AS category, k.name_en AS category_en,
       x.status, st.name AS status_name, st.name_en AS status_name_en,
       x.source, so.name AS source_name, so.name_en AS source_name_en,
       d.name AS department, d.name_en AS department_en,
       s.name AS street, m.name AS community, g.name AS grid, x.address,
       x.reported_at, x.deadline_at, x.ended_at, x.satisfaction,
       case_overdue(x.is_open, x.deadline_at, now()) AS is_overdue,
       CASE WHEN case_overdue(x.is_open, x.deadline_at, now())
            THEN (extract(epoch FROM now() - x.deadline_at) / 3600)::integer END AS overdue_hours,
       ST_X(x.geom) AS lon, ST_Y(x.geom) AS lat, x.geom
  FROM cases x
  JOIN case_categories k ON k.code = x.category_code
  JOIN case_statuses st ON st.code = x.status
  JOIN case_sources so ON so.code = x.source
  LEFT JOIN departments d ON d.id = x.department_id
  LEFT JOIN units s ON s.id = x.street_id
  LEFT JOIN units m ON m.id = x.community_id
  LEFT JOIN units g ON g.id = x.grid_id
 WHERE {where}
