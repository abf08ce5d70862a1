-- The cameras within %(range_m)s metres of a checkpoint, with their status and when it was reported.
SELECT m.code, m.name, m.status, coalesce(m.status_at, m.last_seen_at) AS status_at,
       round(ST_Distance(k.geom::geography, m.geom::geography)::numeric)::int AS distance_m
  FROM checkpoints k
  JOIN cameras m
    ON m.geom && ST_Expand(k.geom, %(range_m)s / (111000 * cos(radians(ST_Y(k.geom)))), %(range_m)s / 110000.0)
   AND ST_DWithin(k.geom::geography, m.geom::geography, %(range_m)s)
 WHERE k.id = %(id)s
 ORDER BY 5, m.code
