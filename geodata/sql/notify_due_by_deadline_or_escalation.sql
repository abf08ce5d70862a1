-- Open cases of the given categories and escalation whose escalation clock started in (lo, hi]:
-- the deadline for a case not yet escalated, the last escalation for one that was. Parked cases
-- (deadline 'infinity') wait.
SELECT c.id, c.escalation, c.deadline_at, CASE WHEN c.escalation = 0 THEN c.deadline_at ELSE c.escalated_at END
  FROM cases c
 WHERE c.is_open
   AND c.category_code = ANY(%(categories)s)
   AND c.escalation = %(escalation)s
   AND c.deadline_at <> 'infinity'
   AND ((c.escalation = 0 AND c.deadline_at > %(lo)s AND c.deadline_at <= %(hi)s)
        OR (c.escalation > 0 AND c.escalated_at > %(lo)s AND c.escalated_at <= %(hi)s))
