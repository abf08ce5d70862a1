-- The direct children of a unit (tiling children first, exclusive grids last), by code; with
-- %(id)s NULL the top-level units.
SELECT u.id, u.code, u.name, u.level, u.kind
  FROM units u
 WHERE u.parent_id = %(id)s OR (%(id)s::integer IS NULL AND u.parent_id IS NULL)
 ORDER BY (u.kind = 'exclusive'), u.code
