-- The results of a checkpoint's latest inspection, element by element.
WITH l AS (
    SELECT id FROM inspections WHERE checkpoint_id = %(id)s ORDER BY inspected_at DESC, id DESC LIMIT 1
)
SELECT r.element_code, r.passed, r.note
  FROM l JOIN inspection_results r ON r.inspection_id = l.id
