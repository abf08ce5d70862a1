-- When this channel and address were last handed a message (the digest interval counts from it).
SELECT max(handed_at) FROM notify_messages WHERE channel = %(channel)s AND address = %(address)s AND state <> 'pending'
