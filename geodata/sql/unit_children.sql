-- The direct children of a unit (tiling children first, exclusive grids last), by name.
SELECT u.id, u.code, u.name, u.level, u.kind
  FROM units u
 WHERE u.parent_id = %(id)s
 ORDER BY (u.kind = 'exclusive'), u.code
