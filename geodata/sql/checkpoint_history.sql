-- A checkpoint's inspections, newest first, each with its results element by element (code order)
-- and its compliance (elements passed ÷ elements).
SELECT i.id, i.inspected_at, i.inspector, i.kind, i.far, i.distance_m, i.note, r.name AS round_name,
       count(x.element_code)::int AS elements, count(*) FILTER (WHERE x.passed)::int AS passed,
       array_agg(x.element_code ORDER BY x.element_code) AS codes,
       array_agg(x.passed ORDER BY x.element_code) AS results,
       array_agg(x.carried ORDER BY x.element_code) AS carried,
       array_agg(x.note ORDER BY x.element_code) AS notes,
       array_agg(x.case_id ORDER BY x.element_code) AS case_ids,
       array_agg(x.photo_id ORDER BY x.element_code) AS photo_ids
  FROM inspections i
  JOIN inspection_results x ON x.inspection_id = i.id
  LEFT JOIN inspection_rounds r ON r.id = i.round_id
 WHERE i.checkpoint_id = %(id)s
 GROUP BY i.id, r.name
 ORDER BY i.inspected_at DESC, i.id DESC
 LIMIT %(limit)s
