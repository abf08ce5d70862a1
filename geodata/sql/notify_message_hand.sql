-- The message goes to its channel now: from here on it is never sent again (at most once).
UPDATE notify_messages
   SET state = 'sending', body = %(body)s, attempts = attempts + 1, handed_at = %(now)s
 WHERE id = %(message)s
