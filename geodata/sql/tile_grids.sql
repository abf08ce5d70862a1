-- One vector tile of the tiling grids (layer "grids"): the unit id is the feature id, which the
-- map's feature state keys its colours and counts on; names travel for the hover. %(gcj02)s
-- shifts the drawing into GCJ-02 (an AMap basemap); the envelope is widened by the most that
-- shift can move a shape into the tile.
WITH t AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env
), q AS (
    SELECT ST_Transform(ST_Expand(t.env, CASE WHEN %(gcj02)s THEN 1000 ELSE 0 END), 4326) AS box FROM t
)
SELECT ST_AsMVT(f, 'grids', 4096, 'geom', 'id')
  FROM (
        SELECT u.id, u.name, p.name AS parent, s.name AS street,
               ST_AsMVTGeom(CASE WHEN %(gcj02)s THEN ST_Transform(gcj02_shift(u.geom, u.label_point), 3857)
                                 ELSE u.geom_3857 END,
                            t.env, 4096, 16, true) AS geom
          FROM units u
          CROSS JOIN t CROSS JOIN q
          LEFT JOIN units p ON p.id = u.parent_id
          LEFT JOIN units s ON s.id = u.street_id
         WHERE u.level = 'grid' AND u.kind <> 'exclusive' AND u.geom && q.box
       ) f
 WHERE f.geom IS NOT NULL
