-- Escalate cases one level (to the street, then the district), with a timeline entry each.
WITH up AS (
    UPDATE cases c
       SET escalation = c.escalation + 1, escalated_at = u.due_at
      FROM unnest(%(case_ids)s::bigint[], %(dues)s::timestamptz[]) AS u (case_id, due_at)
     WHERE c.id = u.case_id AND c.escalation < 2
    RETURNING c.id, c.status, c.escalation, u.due_at
)
INSERT INTO case_events (case_id, at, from_status, to_status, actor, action, note)
SELECT id, due_at, status, status, '系统', 'escalate', CASE escalation WHEN 1 THEN '超期升级至街道' ELSE '超期升级至区' END
  FROM up
