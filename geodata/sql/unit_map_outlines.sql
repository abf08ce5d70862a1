-- Outlines drawn over a unit's map: the unit itself (the top-level units, for the whole
-- territory) and, when the map shows grandchildren, their children (level %(level)s, NULL for none).
SELECT u.id, u.level, ST_AsBinary(u.geom) AS wkb
  FROM units u
 WHERE u.id = ANY(%(ids)s) OR (u.parent_id = ANY(%(ids)s) AND u.level = %(level)s AND u.kind <> 'exclusive')
 ORDER BY (u.id = ANY(%(ids)s))
