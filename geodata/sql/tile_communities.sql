-- One vector tile of the communities, drawn wherever the grids are tiled (geodata/tiles.py): their
-- outlines (layer "communities", as lines over the grids' tiles) and their names at their label
-- points (layer "community_labels"). A city's 2,000 outlines were a 300 KB trace and its names a
-- 140 KB one, which the browser cut into tiles itself though both are hidden at the overview.
-- Shapes simplified to the tile's resolution below zoom 14, as tile_grids.sql does; %(gcj02)s as
-- there.
WITH t AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
           CASE WHEN %(z)s >= 14 THEN 0 ELSE 40075016.686 / (2 ^ %(z)s) / 4096 END AS px
), q AS (
    SELECT ST_Transform(ST_Expand(t.env, CASE WHEN %(gcj02)s THEN 1000 ELSE 0 END), 4326) AS box FROM t
), c AS (
    SELECT u.id, u.name, u.geom, u.geom_3857, u.label_point
      FROM units u CROSS JOIN q
     WHERE u.level = 'community' AND u.geom && q.box
)
SELECT coalesce((SELECT ST_AsMVT(f, 'communities', 4096, 'geom', 'id')
          FROM (SELECT c.id,
                       ST_AsMVTGeom(ST_SimplifyPreserveTopology(
                                        CASE WHEN %(gcj02)s THEN ST_Transform(gcj02_shift(c.geom, c.label_point), 3857)
                                             ELSE c.geom_3857 END,
                                        t.px),
                                    t.env, 4096, 16, true) AS geom
                  FROM c CROSS JOIN t) f
         WHERE f.geom IS NOT NULL), ''::bytea)
    || coalesce((SELECT ST_AsMVT(f, 'community_labels', 4096, 'geom', 'id')
          FROM (SELECT c.id, c.name,
                       ST_AsMVTGeom(ST_Transform(CASE WHEN %(gcj02)s THEN gcj02_shift(c.label_point, c.label_point)
                                                      ELSE c.label_point END, 3857),
                                    t.env, 4096, 64, true) AS geom
                  FROM c CROSS JOIN t) f
         WHERE f.geom IS NOT NULL), ''::bytea)
