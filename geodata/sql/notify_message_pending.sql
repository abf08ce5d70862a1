-- The message waiting for this channel and address, made if there is none: every step told to
-- them until it goes joins it (one message per target per interval).
INSERT INTO notify_messages (channel, address, send_after)
VALUES (%(channel)s, %(address)s, %(send_after)s)
ON CONFLICT (channel, address) WHERE state = 'pending' DO UPDATE SET channel = EXCLUDED.channel
RETURNING id
