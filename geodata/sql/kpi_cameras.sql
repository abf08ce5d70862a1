-- Cameras online per {group} unit as of the moment as_of (kpi_as_of.sql): the current status,
-- with every change logged after then undone (the first later change's from_status is the
-- status at that time).
SELECT {group} AS unit_id,
       count(*) AS cameras,
       count(*) FILTER (WHERE coalesce(e.from_status, m.status) = 'online') AS cameras_up
  FROM cameras m
  LEFT JOIN (SELECT DISTINCT ON (camera_id) camera_id, from_status
               FROM camera_events
              WHERE at > %(as_of)s
              ORDER BY camera_id, at) e ON e.camera_id = m.id
 WHERE m.{scope} = ANY(%(scope_ids)s)
 GROUP BY 1
