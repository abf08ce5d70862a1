-- The next message due to go, locked (another worker skips it).
SELECT m.id, m.channel, m.address, m.attempts
  FROM notify_messages m
 WHERE m.state = 'pending' AND m.send_after <= %(now)s
 ORDER BY m.send_after, m.id
 LIMIT 1
   FOR UPDATE SKIP LOCKED
