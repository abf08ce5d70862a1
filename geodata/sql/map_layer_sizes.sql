-- The number of features of each layer that may be tiled (layers/base.py TiledLayer), by layer key.
SELECT (SELECT count(*) FROM units WHERE level = 'grid' AND kind <> 'exclusive') AS grids,
       (SELECT count(*) FROM cameras) AS cameras
