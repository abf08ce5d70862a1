-- 批准延期: the deadline moves to the requested one; the first deadline is kept (延期率).
UPDATE cases
   SET deadline_original_at = coalesce(deadline_original_at, deadline_at),
       deadline_at = extension_until,
       extension_until = NULL,
       extension_count = extension_count + 1
 WHERE id = %(id)s
