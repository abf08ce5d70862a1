-- 解除挂账: the clock runs again; the deadline comes back, later by the time spent parked.
UPDATE cases
   SET deadline_at = parked_deadline_at + (now() - parked_at),
       parked_at = NULL,
       parked_deadline_at = NULL
 WHERE id = %(id)s
