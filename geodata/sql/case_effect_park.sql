-- 挂账 (by a dispatcher, or approving a request): the clock stops. The deadline is kept aside and
-- the case has none while parked ('infinity': never overdue, never due in an assessment).
UPDATE cases
   SET parked_at = now(),
       park_reason = coalesce(%(reason)s, park_reason),
       park_requested_at = NULL,
       parked_deadline_at = deadline_at,
       deadline_at = 'infinity'
 WHERE id = %(id)s
