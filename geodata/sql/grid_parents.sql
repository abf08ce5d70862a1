-- Each tiling grid's parent (itself when it has none): the unit the grids' tiles draw it as below
-- the overview zoom (tile_grids.sql), for the workbench's totals per parent of the grids it selects.
SELECT u.id, coalesce(u.parent_id, u.id) AS parent, coalesce(p.level, u.level) AS level
  FROM units u
  LEFT JOIN units p ON p.id = u.parent_id
 WHERE u.level = 'grid' AND u.kind <> 'exclusive'
 ORDER BY u.id
