-- Cameras online per {group} unit as of %(back)s days before %(now)s (NULL: the database clock):
-- the current status, with every change logged after then undone (the first later change's
-- from_status is the status at that time).
SELECT {group} AS unit_id,
       count(*) AS cameras,
       count(*) FILTER (WHERE coalesce(e.from_status, m.status) = 'online') AS cameras_up
  FROM cameras m
  LEFT JOIN (SELECT DISTINCT ON (camera_id) camera_id, from_status
               FROM camera_events
              WHERE at > coalesce(%(now)s::timestamptz, now()) - make_interval(days => %(back)s)
              ORDER BY camera_id, at) e ON e.camera_id = m.id
 WHERE m.{scope} = ANY(%(scope_ids)s)
 GROUP BY 1
