-- Offline cameras inside a unit (whose {scope} is in %(scope_ids)s), longest silent first.
SELECT m.id, m.code, m.name, m.kind, m.last_seen_at, g.name AS grid_name
  FROM cameras m
  LEFT JOIN units g ON g.id = m.grid_id
 WHERE m.{scope} = ANY(%(scope_ids)s) AND m.status = 'offline'
 ORDER BY m.last_seen_at NULLS FIRST, m.id
 LIMIT %(limit)s
