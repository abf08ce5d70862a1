-- The results of one inspection, one element per array position.
INSERT INTO inspection_results (inspection_id, type_code, element_code, passed, note, carried, case_id, photo_id)
SELECT %(inspection_id)s, %(type_code)s, u.element_code, u.passed, u.note, u.carried, u.case_id, u.photo_id
  FROM unnest(%(element_code)s::text[], %(passed)s::boolean[], %(note)s::text[], %(carried)s::boolean[],
              %(case_id)s::bigint[], %(photo_id)s::bigint[]) AS u (element_code, passed, note, carried, case_id, photo_id)
