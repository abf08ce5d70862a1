-- End every live session of one user (password change, disable, rescope, an admin's choice).
UPDATE sessions SET ended_at = now(), ended_why = %(why)s
 WHERE user_id = (SELECT id FROM users WHERE username = %(username)s) AND ended_at IS NULL
RETURNING id
