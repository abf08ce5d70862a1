-- Cameras not heard from: an online camera whose latest report (or, before any, its last sighting)
-- is older than %(stale_minutes)s minutes goes offline as of %(now)s. A camera with neither time is
-- left alone (nothing says when it was last heard), and so is one a batch holds locked right now
-- (it is being heard from; waiting for it could deadlock with that batch). The silent ones are
-- found in one pass over the table (no index over the status or its times: 0033) and updated by id.
UPDATE cameras c
   SET status = 'offline', status_at = %(now)s
 WHERE c.id = ANY(ARRAY(
           SELECT id FROM cameras
            WHERE status = 'online'
              AND coalesce(status_at, last_seen_at) < %(now)s::timestamptz - %(stale_minutes)s * interval '1 minute'
              FOR UPDATE SKIP LOCKED
       ))
RETURNING c.id, c.status_at
