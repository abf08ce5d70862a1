-- The territory: the polygons of the top-level units (a load refuses points outside them).
SELECT ST_AsBinary(geom) FROM units WHERE parent_id IS NULL ORDER BY id
