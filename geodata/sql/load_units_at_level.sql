-- The units of one level, for linking loaded units to their parents.
SELECT id, code, ST_AsBinary(geom) FROM units WHERE level = %(level)s ORDER BY id
