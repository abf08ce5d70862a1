-- The lon/lat bounds of the territory (its top-level units), to open the one map on all of it.
SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
  FROM (SELECT ST_Extent(geom) AS e FROM units WHERE parent_id IS NULL) t
 WHERE e IS NOT NULL
