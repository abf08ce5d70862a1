-- One vector tile of the tiling grids (layer "grids"): the unit id is the feature id, which the
-- map's feature state keys its colours and counts on; names travel for the hover from zoom 12
-- (at a city's overview, 70,000 names made a single tile 3.7 MB), and shapes are simplified to
-- the tile's resolution below zoom 14, each on its own (so none vanishes). %(gcj02)s
-- shifts the drawing into GCJ-02 (an AMap basemap); the envelope is widened by the most that
-- shift can move a shape into the tile.
-- Below the overview zoom (%(overview)s, geodata/tiles.py OVERVIEW_BELOW) the tile carries the
-- grids' parents instead (a city's communities: property "agg"), coloured by their own totals: a
-- city's 70,000 grids at that zoom are two or three pixels each, a texture no one reads, and
-- their parse alone took the one map's first paint past three seconds. A grid with no parent
-- stands for itself there.
WITH t AS (
    -- px: one unit of the tile's 4096 in metres, the simplification's tolerance (none from z 14).
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env,
           CASE WHEN %(z)s >= 14 THEN 0 ELSE 40075016.686 / (2 ^ %(z)s) / 4096 END AS px
), q AS (
    SELECT ST_Transform(ST_Expand(t.env, CASE WHEN %(gcj02)s THEN 1000 ELSE 0 END), 4326) AS box FROM t
), shown AS (
    SELECT u.id, false AS agg
      FROM units u CROSS JOIN q
     WHERE NOT %(overview)s AND u.level = 'grid' AND u.kind <> 'exclusive' AND u.geom && q.box
    UNION ALL
    SELECT p.id, p.level <> 'grid' AS agg
      FROM units p CROSS JOIN q
     WHERE %(overview)s AND p.geom && q.box
       AND (EXISTS (SELECT 1 FROM units g WHERE g.parent_id = p.id AND g.level = 'grid' AND g.kind <> 'exclusive')
            OR (p.level = 'grid' AND p.kind <> 'exclusive' AND p.parent_id IS NULL))
)
SELECT ST_AsMVT(f, 'grids', 4096, 'geom', 'id')
  FROM (
        SELECT u.id,
               CASE WHEN %(z)s >= 12 OR shown.agg THEN u.name END AS name,
               CASE WHEN shown.agg THEN u.name WHEN %(z)s >= 12 THEN p.name END AS parent,
               CASE WHEN %(z)s >= 12 OR shown.agg THEN s.name END AS street,
               CASE WHEN shown.agg THEN 1 END AS agg,
               ST_AsMVTGeom(ST_SimplifyPreserveTopology(
                                CASE WHEN %(gcj02)s THEN ST_Transform(gcj02_shift(u.geom, u.label_point), 3857)
                                     ELSE u.geom_3857 END,
                                t.px),
                            t.env, 4096, 16, true) AS geom
          FROM shown
          JOIN units u ON u.id = shown.id
          CROSS JOIN t
          LEFT JOIN units p ON p.id = u.parent_id
          LEFT JOIN units s ON s.id = u.street_id
       ) f
 WHERE f.geom IS NOT NULL
