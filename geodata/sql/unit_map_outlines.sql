-- Outlines drawn over a unit's map: the unit itself and, when the map shows grandchildren,
-- its children (level %(level)s, NULL for none).
SELECT u.id, u.level, ST_AsBinary(u.geom) AS wkb
  FROM units u
 WHERE u.id = %(id)s OR (u.parent_id = %(id)s AND u.level = %(level)s AND u.kind <> 'exclusive')
 ORDER BY (u.id = %(id)s)
