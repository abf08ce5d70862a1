-- The channel refused it: it waits again (steps that fall due meanwhile join it). When another
-- message for the same channel and address is already waiting, this one's steps move into it and
-- this one ends as failed, naming it (one waiting message per target).
WITH other AS (
    SELECT o.id FROM notify_messages o, notify_messages m
     WHERE m.id = %(message)s AND o.channel = m.channel AND o.address = m.address AND o.state = 'pending'
), moved AS (
    UPDATE notify_deliveries d SET message_id = (SELECT id FROM other)
     WHERE d.message_id = %(message)s AND EXISTS (SELECT 1 FROM other)
    RETURNING d.id
), sooner AS (
    UPDATE notify_messages o SET send_after = least(o.send_after, %(send_after)s)
     WHERE o.id = (SELECT id FROM other)
)
UPDATE notify_messages m
   SET state = CASE WHEN EXISTS (SELECT 1 FROM other) THEN 'failed' ELSE 'pending' END,
       result = left(CASE WHEN EXISTS (SELECT 1 FROM other)
                          THEN %(result)s || '；并入消息 #' || (SELECT id FROM other) || ' 重发'
                          ELSE %(result)s END, 500),
       send_after = %(send_after)s
 WHERE m.id = %(message)s AND m.state = 'sending'
