-- Every rule, for gridops notify rule list.
SELECT id, coalesce(category_code, category_group || '*', '(默认)'), escalation, step, hours::float8, working, targets, enabled
  FROM notify_rules
 ORDER BY step, category_code NULLS FIRST, category_group NULLS FIRST, escalation NULLS FIRST, id
