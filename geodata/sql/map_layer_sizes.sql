-- The number of features of each layer that may be tiled (layers/base.py TiledLayer), by layer key
-- (in the order of geodata/tiles.py SOURCES).
SELECT (SELECT count(*) FROM units WHERE level = 'grid' AND kind <> 'exclusive') AS grids,
       (SELECT count(*) FROM cameras) AS cameras,
       (SELECT count(*) FROM checkpoints) AS checkpoints,
       (SELECT count(*) FROM units WHERE level = 'community') AS communities
