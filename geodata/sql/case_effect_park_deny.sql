-- 驳回挂账: the request is dropped.
UPDATE cases SET park_requested_at = NULL, park_reason = NULL WHERE id = %(id)s
