-- Where the checkpoints %(ids)s lie (WGS84), for the rings of those picked on a workbench whose
-- checkpoints are drawn from the tiles (layers/analysis_map.py).
SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat
  FROM checkpoints
 WHERE id = ANY(%(ids)s)
 ORDER BY id
