-- One inspection: when, where, its round, how many elements passed, the cases its failures opened.
SELECT i.id, i.checkpoint_id, i.inspected_at, i.round_id, i.far, i.distance_m,
       count(r.element_code)::int AS elements, count(*) FILTER (WHERE r.passed)::int AS passed,
       count(*) FILTER (WHERE r.passed) = count(r.element_code)
           AND count(r.element_code) = (SELECT count(*) FROM checkpoint_elements e WHERE e.type_code = i.type_code)
           AS compliant,
       coalesce(array_agg(r.element_code ORDER BY r.element_code) FILTER (WHERE r.case_id IS NOT NULL AND NOT r.carried),
                '{}') AS codes,
       coalesce(array_agg(r.case_id ORDER BY r.element_code) FILTER (WHERE r.case_id IS NOT NULL AND NOT r.carried),
                '{}') AS ids
  FROM inspections i
  JOIN inspection_results r ON r.inspection_id = i.id
 WHERE i.id = %(id)s AND i.checkpoint_id = %(checkpoint_id)s
 GROUP BY i.id
