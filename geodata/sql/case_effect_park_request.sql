-- 申请挂账: the handler asks to park the case, with a reason.
UPDATE cases SET park_requested_at = now(), park_reason = %(reason)s WHERE id = %(id)s
