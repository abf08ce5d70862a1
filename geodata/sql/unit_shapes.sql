-- Polygons of one level (tiling units, or exclusive grids) with their parent's name.
SELECT u.id, u.code, u.name, p.name AS parent_name, s.name AS street_name, u.kind,
       ST_AsBinary(u.geom) AS wkb, ST_X(u.label_point) AS label_lon, ST_Y(u.label_point) AS label_lat
  FROM units u
  LEFT JOIN units p ON p.id = u.parent_id
  LEFT JOIN units s ON s.id = u.street_id
 WHERE u.level = %(level)s AND (u.kind = 'exclusive') = %(exclusive)s
 ORDER BY u.id
