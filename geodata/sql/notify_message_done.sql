UPDATE notify_messages
   SET state = %(state)s, result = left(%(result)s, 500), sent_at = %(now)s
 WHERE id = %(message)s AND state = 'sending'
