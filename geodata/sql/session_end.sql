-- End one session (sign-out, or an admin's choice); announced to every process (migration 0025).
UPDATE sessions SET ended_at = now(), ended_why = %(why)s
 WHERE id = %(id)s AND ended_at IS NULL
RETURNING id
