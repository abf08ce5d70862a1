UPDATE notify_messages SET send_after = %(send_after)s WHERE id = %(message)s
