-- What one message tells: each step, its case and where it stands.
SELECT s.step, s.case_id, cat.name, c.address, c.deadline_at, c.escalation, s.due_at
  FROM notify_deliveries d
  JOIN notify_steps s ON s.id = d.step_id
  JOIN cases c ON c.id = s.case_id
  JOIN case_categories cat ON cat.code = c.category_code
 WHERE d.message_id = %(message)s
 GROUP BY s.id, cat.name, c.id, c.reported_at  -- cases' key (0041)
 ORDER BY s.due_at, s.id
