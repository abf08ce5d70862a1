-- Messages a worker handed to a channel and never heard back from (it was stopped mid-send):
-- they may have arrived, so they are not sent again.
UPDATE notify_messages
   SET state = 'unknown', result = '发送中断，结果未知 (the sender stopped mid-send)'
 WHERE state = 'sending' AND handed_at < %(before)s
RETURNING id
