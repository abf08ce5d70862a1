-- The rules in force (migration 0034).
SELECT id, category_code, category_group, escalation, step, hours::float8, working, targets
  FROM notify_rules
 WHERE enabled
 ORDER BY id
