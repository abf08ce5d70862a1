-- The results of a checkpoint's latest inspection at or before %(at)s (NULL: now), element by
-- element (none: one row with a NULL element), and whether any inspection is later than %(at)s
-- (an older record being filed).
WITH l AS (
    SELECT id FROM inspections
     WHERE checkpoint_id = %(id)s AND inspected_at <= coalesce(%(at)s::timestamptz, now())
     ORDER BY inspected_at DESC, id DESC LIMIT 1
), later AS (
    SELECT EXISTS (SELECT 1 FROM inspections i
                    WHERE i.checkpoint_id = %(id)s AND i.inspected_at > coalesce(%(at)s::timestamptz, now())) AS later
)
SELECT r.element_code, r.passed, r.note, later.later
  FROM later
  LEFT JOIN (l JOIN inspection_results r ON r.inspection_id = l.id) ON true
