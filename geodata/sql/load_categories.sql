-- Case categories with their SLA and whether they are leaves (cases take leaves only).
SELECT c.code, c.name, c.name_en, c.sla_hours, d.id AS department_id,
       NOT EXISTS (SELECT 1 FROM case_categories k WHERE k.parent_code = c.code) AS leaf
  FROM case_categories c LEFT JOIN departments d ON d.code = c.department_code ORDER BY c.code
