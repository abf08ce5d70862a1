-- Parts of a parent community that none of its tiling grids cover, for the parents of the grids
-- just loaded (area in m²).
WITH parents AS (
    SELECT DISTINCT parent_id FROM units WHERE level = 'grid' AND code = ANY(%(codes)s)
)
SELECT p.code, ST_Area(ST_Difference(p.geom, ST_Union(g.geom))::geography) AS area_m2
  FROM parents x
  JOIN units p ON p.id = x.parent_id
  JOIN units g ON g.parent_id = p.id AND g.level = 'grid' AND g.kind <> 'exclusive'
 GROUP BY p.id, p.code, p.geom
 ORDER BY 2 DESC
