-- The territory's top-level units: how many, the first three names (by code) and the lon/lat
-- bounds of them all. Always one row (no units: 0, NULL, NULL …).
SELECT count(*), (array_agg(name ORDER BY code))[1:3],
       ST_XMin(ST_Extent(geom)), ST_YMin(ST_Extent(geom)), ST_XMax(ST_Extent(geom)), ST_YMax(ST_Extent(geom))
  FROM units
 WHERE parent_id IS NULL
