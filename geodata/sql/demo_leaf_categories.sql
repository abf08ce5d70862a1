-- The leaf categories a demo case can be filed under, with their time limit and department.
SELECT c.code, c.name, c.sla_hours, d.id
  FROM case_categories c
  LEFT JOIN departments d ON d.code = c.department_code
 WHERE NOT EXISTS (SELECT 1 FROM case_categories k WHERE k.parent_code = c.code)
 ORDER BY c.code
