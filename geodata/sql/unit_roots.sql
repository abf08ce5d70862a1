-- The top-level units (same columns as unit_by_code), by code.
SELECT u.id, u.code, u.name, u.level, u.kind, u.parent_id, u.city_id, u.district_id, u.street_id, u.community_id,
       u.grid_id, u.population, u.households, u.manager, u.phone,
       ST_XMin(u.geom) AS min_lon, ST_YMin(u.geom) AS min_lat, ST_XMax(u.geom) AS max_lon, ST_YMax(u.geom) AS max_lat
  FROM units u
 WHERE u.parent_id IS NULL
 ORDER BY u.code
