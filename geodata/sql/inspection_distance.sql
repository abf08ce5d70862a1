-- Metres from the inspector's place (WGS84) to the checkpoint.
SELECT ST_Distance(k.geom::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography)
  FROM checkpoints k
 WHERE k.id = %(id)s
