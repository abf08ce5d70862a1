-- Whether a camera covers the checkpoint now: one online camera within %(range_m)s metres (the box
-- first, so the GiST index finds the candidates; then the distance on the spheroid).
SELECT EXISTS (
    SELECT 1
      FROM checkpoints k
      JOIN cameras m
        ON m.geom && ST_Expand(k.geom, %(range_m)s / (111000 * cos(radians(ST_Y(k.geom)))), %(range_m)s / 110000.0)
       AND ST_DWithin(k.geom::geography, m.geom::geography, %(range_m)s)
     WHERE k.id = %(id)s AND m.status = 'online'
)
