-- Case categories with their SLA and responsible department; a leaf has no children.
SELECT c.code, c.name, c.name_en, c.parent_code, c.sla_hours, d.code AS department_code,
       d.name AS department, NOT EXISTS (SELECT 1 FROM case_categories k WHERE k.parent_code = c.code) AS leaf
  FROM case_categories c
  LEFT JOIN departments d ON d.code = c.department_code
 ORDER BY c.code
