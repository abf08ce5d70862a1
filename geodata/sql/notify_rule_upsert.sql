-- A rule set from the command line: the one for the same category (or group), escalation and step
-- is replaced.
INSERT INTO notify_rules (category_code, category_group, escalation, step, hours, working, targets, enabled)
VALUES (%(category)s, %(group)s, %(escalation)s, %(step)s, %(hours)s, %(working)s, %(targets)s, %(enabled)s)
ON CONFLICT (coalesce(category_code, ''), coalesce(category_group, ''), coalesce(escalation, -1), step)
DO UPDATE SET hours = EXCLUDED.hours, working = EXCLUDED.working, targets = EXCLUDED.targets,
              enabled = EXCLUDED.enabled
RETURNING id, (xmax = 0) AS added
