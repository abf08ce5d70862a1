DELETE FROM notify_routes WHERE id = %(id)s
