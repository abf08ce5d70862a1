-- Mark a user's notices read: the ones named, or all of them (ids NULL). Only the user's own.
UPDATE user_notices
   SET read_at = now()
 WHERE user_id = %(user_id)s AND read_at IS NULL
   AND (%(ids)s::bigint[] IS NULL OR id = ANY(%(ids)s::bigint[]))
RETURNING id
