-- Named roads for the offline base layer.
SELECT id, name, kind, ST_AsBinary(geom) AS wkb FROM roads ORDER BY id
