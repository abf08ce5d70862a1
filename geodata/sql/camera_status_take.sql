-- A batch of camera status reports (geodata/cameras/status.py), applied in one statement. Within the
-- batch the newest report per camera counts (the last one sent, between reports of the same time);
-- it is applied only when newer than the camera's latest applied report, so a batch sent twice
-- changes nothing and an out-of-order report is ignored. A report of 'online' is also a sighting.
-- The rows are locked in id order first (two feeds at once wait for each other, never deadlock) and
-- compared as they stand once locked. The status log (camera_events) is kept by trigger (0032).
--
-- One row: how many reports changed a status, how many were heartbeats, the batch positions
-- (1-based) of the reports that were stale, superseded in the batch or of no known camera, and
-- the cameras whose status changed with the time of the change.
WITH input AS (
    SELECT i.ord::integer AS ord, i.code, i.status, i.at
      FROM unnest(%(codes)s::text[], %(statuses)s::text[], %(ats)s::timestamptz[])
           WITH ORDINALITY AS i(code, status, at, ord)
), newest AS (
    SELECT DISTINCT ON (code) code, status, at, ord
      FROM input
     ORDER BY code, at DESC, ord DESC
), locked AS (
    SELECT c.id, n.code, n.ord, n.status, n.at, c.status AS was, c.status_at AS was_at
      FROM newest n
      JOIN cameras c ON c.code = n.code
     ORDER BY c.id
       FOR UPDATE OF c
), applied AS (
    UPDATE cameras c
       SET status = k.status,
           status_at = k.at,
           last_seen_at = CASE WHEN k.status = 'online' THEN greatest(c.last_seen_at, k.at) ELSE c.last_seen_at END
      FROM locked k
     WHERE c.id = k.id AND k.at > coalesce(k.was_at, '-infinity')
    RETURNING k.ord, c.id, k.at, k.status <> k.was AS changed
), outcome AS (
    SELECT i.ord, a.id, a.at,
           CASE WHEN k.id IS NULL THEN 'unknown'
                WHEN a.ord IS NOT NULL THEN CASE WHEN a.changed THEN 'changed' ELSE 'unchanged' END
                WHEN k.ord = i.ord THEN 'stale'
                ELSE 'superseded' END AS what
      FROM input i
      LEFT JOIN locked k ON k.code = i.code
      LEFT JOIN applied a ON a.ord = i.ord
)
SELECT count(*) FILTER (WHERE what = 'changed') AS changed,
       count(*) FILTER (WHERE what = 'unchanged') AS unchanged,
       coalesce(array_agg(ord ORDER BY ord) FILTER (WHERE what = 'stale'), '{}') AS stale,
       coalesce(array_agg(ord ORDER BY ord) FILTER (WHERE what = 'superseded'), '{}') AS superseded,
       coalesce(array_agg(ord ORDER BY ord) FILTER (WHERE what = 'unknown'), '{}') AS unknown,
       coalesce(array_agg(id) FILTER (WHERE what = 'changed'), '{}') AS changed_ids,
       coalesce(array_agg(at) FILTER (WHERE what = 'changed'), '{}') AS changed_at
  FROM outcome
