-- A case's notification steps, oldest first, one row per message that told of each (a step not yet
-- told through any channel has one row with no message), with the users whose notification centre
-- it reached. A step keeps the case's escalation from before it: an escalation reached one level up.
SELECT s.id AS step_id, s.step, s.escalation, s.deadline_at, s.due_at, s.created_at,
       d.target, m.id AS message_id, m.channel, ch.kind, ch.options ->> 'label' AS channel_label,
       m.address, m.state, m.result, m.attempts, m.send_after, m.sent_at, m.created_at AS message_at,
       told.users
  FROM notify_steps s
  LEFT JOIN notify_deliveries d ON d.step_id = s.id
  LEFT JOIN notify_messages m ON m.id = d.message_id
  LEFT JOIN notify_channels ch ON ch.name = m.channel
  LEFT JOIN LATERAL (SELECT array_agg(u.display_name ORDER BY n.created_at, u.id) AS users
                       FROM user_notices n JOIN users u ON u.id = n.user_id
                      WHERE n.step_id = s.id) told ON true
 WHERE s.case_id = %(case_id)s
 ORDER BY s.due_at, s.id, d.target, m.id
