-- 驳回延期: the request is dropped; the deadline stays.
UPDATE cases SET extension_until = NULL WHERE id = %(id)s
