-- Cameras inside a unit (whose {scope} is in %(scope_ids)s) by kind: online and offline now.
SELECT kind,
       count(*) FILTER (WHERE status = 'online')::int AS online,
       count(*) FILTER (WHERE status = 'offline')::int AS offline
  FROM cameras
 WHERE {scope} = ANY(%(scope_ids)s)
 GROUP BY kind
 ORDER BY count(*) DESC, kind
