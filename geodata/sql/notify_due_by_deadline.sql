-- Open cases of the given categories and escalation whose deadline falls in (lo, hi]: the window
-- of a reminder or an urge (cases_open_deadline_idx). A parked case's deadline is 'infinity'.
SELECT c.id, c.escalation, c.deadline_at, c.deadline_at
  FROM cases c
 WHERE c.is_open
   AND c.deadline_at > %(lo)s AND c.deadline_at <= %(hi)s
   AND c.category_code = ANY(%(categories)s)
   AND c.escalation = %(escalation)s
