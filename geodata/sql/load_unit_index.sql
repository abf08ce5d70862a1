-- Everything geodata.unit_assign needs to give points their street, community and grid ids.
SELECT id, level, kind, street_id, community_id, ST_AsBinary(geom) FROM units
 WHERE level IN ('street', 'community', 'grid') ORDER BY id
