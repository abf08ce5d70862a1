INSERT INTO notify_deliveries (step_id, target, message_id)
VALUES (%(step)s, %(target)s, %(message)s)
ON CONFLICT DO NOTHING
