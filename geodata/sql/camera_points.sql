-- Every camera with its status and the grid it stands in.
SELECT c.id, c.name, c.kind, c.status, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat,
       c.last_seen_at, g.name AS grid_name
  FROM cameras c
  LEFT JOIN units g ON g.id = c.grid_id
 ORDER BY c.id
