-- Everything geodata.unit_assign needs to give points their units at every level.
SELECT id, level, kind, city_id, district_id, street_id, community_id, grid_id, ST_AsBinary(geom) FROM units ORDER BY id
