-- The rectification cases (整改) opened by a checkpoint's inspections, open ones first, with the
-- element each was opened for.
SELECT DISTINCT ON (c.id) c.id, r.element_code, e.name AS element, e.name_en AS element_en, c.status,
       st.name AS status_name, st.name_en AS status_name_en, c.is_open,
       case_overdue(c.is_open, c.deadline_at, now()) AS overdue, c.deadline_at, c.reported_at,
       d.code AS department_code, d.name AS department, d.name_en AS department_en
  FROM inspections i
  JOIN inspection_results r ON r.inspection_id = i.id AND NOT r.carried
  JOIN cases c ON c.id = r.case_id
  JOIN checkpoint_elements e ON e.type_code = r.type_code AND e.code = r.element_code
  JOIN case_statuses st ON st.code = c.status
  LEFT JOIN departments d ON d.id = c.department_id
 WHERE i.checkpoint_id = %(id)s
 ORDER BY c.id DESC
