-- Cameras for the analyst workbench. {where} comes from geodata/analysis/statements.py.
SELECT x.id, x.code, x.name, x.kind, x.status, x.last_seen_at, x.view_range_m,
       s.name AS street, m.name AS community, g.name AS grid,
       ST_X(x.geom) AS lon, ST_Y(x.geom) AS lat, x.geom
  FROM cameras x
  LEFT JOIN units s ON s.id = x.street_id
  LEFT JOIN units m ON m.id = x.community_id
  LEFT JOIN units g ON g.id = x.grid_id
 WHERE {where}
