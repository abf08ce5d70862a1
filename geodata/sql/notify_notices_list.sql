-- A user's latest notices, newest first: the step, the level an escalation reached (a step keeps the
-- case's escalation from before it), the case's category, place and deadline as they are now.
-- A parked case's deadline is infinite: no time to it (its clock stopped).
SELECT n.id, s.case_id, s.step,
       CASE WHEN s.step = 'escalate' THEN least(s.escalation + 1, 2) ELSE s.escalation END AS level,
       k.name AS category, k.name_en AS category_en, coalesce(c.address, '') AS address,
       g.name AS grid, m.name AS community, c.deadline_at,
       CASE WHEN c.deadline_at < 'infinity' THEN extract(epoch FROM c.deadline_at - now()) END AS due_in_s,
       c.is_open, c.parked_at IS NOT NULL AS parked, n.created_at, n.read_at IS NOT NULL AS read
  FROM user_notices n
  JOIN notify_steps s ON s.id = n.step_id
  JOIN cases c ON c.id = s.case_id
  JOIN case_categories k ON k.code = c.category_code
  LEFT JOIN units g ON g.id = c.grid_id
  LEFT JOIN units m ON m.id = c.community_id
 WHERE n.user_id = %(user_id)s
 ORDER BY n.created_at DESC, n.id DESC
 LIMIT %(limit)s
