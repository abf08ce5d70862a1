-- The outlines of the given units for a report's map: simplified to a tolerance in degrees (a
-- printed map needs no survey detail), as well-known binary.
SELECT id, ST_AsBinary(ST_SimplifyPreserveTopology(geom, %(tolerance)s)) AS shape
  FROM units
 WHERE id = ANY(%(ids)s)
 ORDER BY id
