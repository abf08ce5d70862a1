-- Open one of a user's notices: it is read from now on (if it was not), and its case is returned.
-- Another user's notice opens nothing.
UPDATE user_notices n
   SET read_at = coalesce(n.read_at, now())
  FROM notify_steps s
 WHERE n.id = %(id)s AND n.user_id = %(user_id)s AND s.id = n.step_id
RETURNING s.case_id
