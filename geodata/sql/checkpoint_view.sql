-- One checkpoint as its view shows it: type, department, units and place.
SELECT k.id, k.code, k.name, k.type_code, t.name AS type_name, t.name_en AS type_name_en,
       d.code AS department_code, d.name AS department, d.name_en AS department_en,
       s.code AS street_code, s.name AS street, m.code AS community_code, m.name AS community,
       g.code AS grid_code, g.name AS grid, ST_X(k.geom) AS lon, ST_Y(k.geom) AS lat
  FROM checkpoints k
  JOIN checkpoint_types t ON t.code = k.type_code
  LEFT JOIN departments d ON d.id = k.department_id
  LEFT JOIN units s ON s.id = k.street_id
  LEFT JOIN units m ON m.id = k.community_id
  LEFT JOIN units g ON g.id = k.grid_id
 WHERE k.id = %(id)s
