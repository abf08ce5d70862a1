-- The answer to a key this process claimed (tick_answer_claim.sql), for the server's other
-- processes; and the answers of minutes ago dropped (a key holds its minute: nobody asks again).
UPDATE tick_answers SET status = %(status)s, mimetype = %(mimetype)s, body = %(body)s, made_at = now()
 WHERE key = %(key)s;
DELETE FROM tick_answers WHERE made_at < now() - interval '3 minutes'
