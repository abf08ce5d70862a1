-- The open rectification cases (整改) of a checkpoint, by element: a failure found again before it
-- is fixed joins the case already open for it rather than opening another.
SELECT DISTINCT ON (r.element_code) r.element_code, c.id AS case_id
  FROM inspections i
  JOIN inspection_results r ON r.inspection_id = i.id
  JOIN cases c ON c.id = r.case_id
 WHERE i.checkpoint_id = %(id)s AND c.is_open
 ORDER BY r.element_code, c.id DESC
