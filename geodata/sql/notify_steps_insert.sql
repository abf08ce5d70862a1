-- The steps that fell due; a step already recorded (the same case, step, escalation and deadline)
-- is not recorded again.
INSERT INTO notify_steps (case_id, rule_id, step, escalation, deadline_at, due_at)
SELECT u.case_id, %(rule)s, %(step)s, u.escalation, u.deadline_at, u.due_at
  FROM unnest(%(case_ids)s::bigint[], %(escalations)s::smallint[], %(deadlines)s::timestamptz[],
              %(dues)s::timestamptz[]) AS u (case_id, escalation, deadline_at, due_at)
ON CONFLICT (case_id, step, escalation, deadline_at) DO NOTHING
RETURNING id, case_id
