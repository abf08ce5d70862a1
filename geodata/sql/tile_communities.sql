-- One vector tile of the community outlines (layer "communities"), drawn as lines over the grids'
-- tiles wherever those are tiled (a city's 2,000 outlines were a 300 KB trace that the browser
-- cut into tiles itself, though hidden at the overview). Shapes simplified to the tile's
-- resolution below zoom 14, as tile_grids.sql does; %(gcj02)s as there.
WITH t AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
           CASE WHEN %(z)s >= 14 THEN 0 ELSE 40075016.686 / (2 ^ %(z)s) / 4096 END AS px
), q AS (
    SELECT ST_Transform(ST_Expand(t.env, CASE WHEN %(gcj02)s THEN 1000 ELSE 0 END), 4326) AS box FROM t
)
SELECT ST_AsMVT(f, 'communities', 4096, 'geom', 'id')
  FROM (
        SELECT u.id,
               ST_AsMVTGeom(ST_SimplifyPreserveTopology(
                                CASE WHEN %(gcj02)s THEN ST_Transform(gcj02_shift(u.geom, u.label_point), 3857)
                                     ELSE u.geom_3857 END,
                                t.px),
                            t.env, 4096, 16, true) AS geom
          FROM units u
          CROSS JOIN t CROSS JOIN q
         WHERE u.level = 'community' AND u.geom && q.box
       ) f
 WHERE f.geom IS NOT NULL
