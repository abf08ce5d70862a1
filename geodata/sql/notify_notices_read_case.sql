-- Mark read a user's notices of one case (the user opened the case).
UPDATE user_notices n
   SET read_at = now()
  FROM notify_steps s
 WHERE n.user_id = %(user_id)s AND n.read_at IS NULL AND s.id = n.step_id AND s.case_id = %(case_id)s
RETURNING n.id
