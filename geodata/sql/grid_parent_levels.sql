-- The levels of the tiling grids' parents (a city's: community), which the grids' tiles draw
-- below the overview zoom (tile_grids.sql).
SELECT DISTINCT p.level
  FROM units g
  JOIN units p ON p.id = g.parent_id
 WHERE g.level = 'grid' AND g.kind <> 'exclusive'
 ORDER BY p.level
