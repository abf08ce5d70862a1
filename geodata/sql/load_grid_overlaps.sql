-- Grids of the same kind that overlap, among or against the grids just loaded (area in m²).
SELECT a.code, b.code, ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS area_m2
  FROM units a
  JOIN units b ON a.id < b.id AND b.level = 'grid' AND b.kind = a.kind AND ST_Intersects(a.geom, b.geom)
 WHERE a.level = 'grid' AND (a.code = ANY(%(codes)s) OR b.code = ANY(%(codes)s))
   AND ST_Relate(a.geom, b.geom, '2********')
 ORDER BY 3 DESC
