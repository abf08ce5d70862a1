-- One vector tile of the cameras (layer "cameras"): id, name, kind, status and grid for the
-- colour and the hover. %(gcj02)s as in tile_grids.sql.
WITH t AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env
), q AS (
    SELECT ST_Transform(ST_Expand(t.env, CASE WHEN %(gcj02)s THEN 1000 ELSE 64 END), 4326) AS box FROM t
)
SELECT ST_AsMVT(f, 'cameras', 4096, 'geom', 'id')
  FROM (
        SELECT c.id, c.name, c.kind, c.status, g.name AS grid,
               ST_AsMVTGeom(ST_Transform(CASE WHEN %(gcj02)s THEN gcj02_shift(c.geom, c.geom) ELSE c.geom END, 3857),
                            t.env, 4096, 16, true) AS geom
          FROM cameras c
          CROSS JOIN t CROSS JOIN q
          LEFT JOIN units g ON g.id = c.grid_id
         WHERE c.geom && q.box
       ) f
 WHERE f.geom IS NOT NULL
