-- The users told of a step in the notification centre: the dispatchers whose area holds the case,
-- the department's handlers, and the users whose scope is the responsible unit.
INSERT INTO user_notices (user_id, step_id)
SELECT u.id, %(step)s
  FROM users u
  LEFT JOIN departments d ON d.code = u.department_code
 WHERE u.disabled_at IS NULL
   AND (('dispatcher' = ANY(%(targets)s) AND u.role IN ('dispatcher', 'admin')
         AND u.scope_code IN (SELECT code FROM units WHERE id = ANY(%(area)s)))
        OR ('department' = ANY(%(targets)s) AND u.role = 'department' AND d.id = %(department)s)
        OR ('responsible' = ANY(%(targets)s) AND u.role NOT IN ('department', 'gridworker', 'analyst')
            AND u.scope_code = (SELECT code FROM units WHERE id = %(unit)s)))
ON CONFLICT (user_id, step_id) DO NOTHING
