UPDATE notify_scan SET scanned_to = %(now)s
