-- How many of a user's notices are unread. Only notices of cases the request may see count (row-level
-- security on cases), so the badge never counts what the list cannot show.
SELECT count(*) AS unread
  FROM user_notices n
  JOIN notify_steps s ON s.id = n.step_id
  JOIN cases c ON c.id = s.case_id
 WHERE n.user_id = %(user_id)s AND n.read_at IS NULL
