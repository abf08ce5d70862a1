-- 延期申请: the handler asks for a later deadline; the deadline moves only on approval.
UPDATE cases SET extension_until = %(until)s, extension_reason = %(reason)s WHERE id = %(id)s
