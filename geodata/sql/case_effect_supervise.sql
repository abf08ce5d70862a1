-- 督办: a leader marks the case, with the time by which it must be done.
UPDATE cases SET supervised_at = now(), supervise_due_at = %(due)s, supervised_by = %(actor)s WHERE id = %(id)s
