-- Cameras not heard from: an online camera whose latest report (or, before any, its last sighting)
-- is older than %(stale_minutes)s minutes goes offline as of %(now)s. A camera with neither time is
-- left alone (nothing says when it was last heard). Uses cameras_status_at_idx (0032).
UPDATE cameras
   SET status = 'offline', status_at = %(now)s
 WHERE status = 'online'
   AND coalesce(status_at, last_seen_at) < %(now)s::timestamptz - %(stale_minutes)s * interval '1 minute'
RETURNING id, status_at
