-- A session in use: its idle end moves forward (never past its absolute end).
UPDATE sessions
   SET seen_at = now(), idle_until = least(ends_at, now() + %(idle)s)
 WHERE id = %(id)s AND ended_at IS NULL
