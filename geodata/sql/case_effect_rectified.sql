-- 复查: a rectification case (整改) verified on site re-inspects the element it was opened for. The
-- verification inspection passes that element and carries every other element's latest result
-- forward, so the checkpoint's compliance moves at once. A case that is no rectification does
-- nothing here. Two statements: the results' policy must see the inspection row they belong to,
-- which a row inserted earlier in the same statement is not.
INSERT INTO inspections (checkpoint_id, type_code, inspected_at, inspector, kind, note)
SELECT i.checkpoint_id, i.type_code, now(), %(actor)s, 'verification', %(note)s
  FROM inspection_results r
  JOIN inspections i ON i.id = r.inspection_id
 WHERE r.case_id = %(id)s AND NOT r.carried
 ORDER BY i.inspected_at DESC, i.id DESC
 LIMIT 1;

WITH target AS (
    SELECT i.checkpoint_id, r.element_code
      FROM inspection_results r
      JOIN inspections i ON i.id = r.inspection_id
     WHERE r.case_id = %(id)s AND NOT r.carried
     ORDER BY i.inspected_at DESC, i.id DESC
     LIMIT 1
), made AS (
    SELECT v.id, v.checkpoint_id
      FROM inspections v JOIN target t ON t.checkpoint_id = v.checkpoint_id
     WHERE v.kind = 'verification' AND v.inspected_at = now() AND v.inspector = %(actor)s
     ORDER BY v.id DESC
     LIMIT 1
), latest AS (
    SELECT i.id
      FROM inspections i JOIN made m ON m.checkpoint_id = i.checkpoint_id AND i.id <> m.id
     ORDER BY i.inspected_at DESC, i.id DESC
     LIMIT 1
)
INSERT INTO inspection_results (inspection_id, type_code, element_code, passed, note, carried, case_id, photo_id)
SELECT m.id, r.type_code, r.element_code,
       r.passed OR r.element_code = t.element_code,
       CASE WHEN r.element_code = t.element_code THEN coalesce(%(note)s, '整改复查通过') ELSE r.note END,
       r.element_code <> t.element_code,
       CASE WHEN r.element_code = t.element_code THEN %(id)s END,
       NULL
  FROM made m
 CROSS JOIN target t
 CROSS JOIN latest l
  JOIN inspection_results r ON r.inspection_id = l.id
