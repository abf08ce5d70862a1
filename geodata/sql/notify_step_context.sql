-- What the new steps need to find their targets and to be told.
SELECT s.id, s.step, s.case_id, r.targets, c.escalation, c.department_id,
       c.city_id, c.district_id, c.street_id, c.community_id
  FROM notify_steps s
  JOIN notify_rules r ON r.id = s.rule_id
  JOIN cases c ON c.id = s.case_id
 WHERE s.id = ANY(%(ids)s)
 ORDER BY s.id
