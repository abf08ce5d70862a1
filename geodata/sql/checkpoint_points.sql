-- Every checkpoint with the compliance of its latest inspection (share of elements passed).
WITH latest AS (
    SELECT DISTINCT ON (checkpoint_id) id, checkpoint_id, inspected_at
      FROM inspections
     ORDER BY checkpoint_id, inspected_at DESC, id DESC
)
SELECT c.id, c.name, t.name AS type_name, t.name_en AS type_name_en,
       ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, l.inspected_at,
       round(100.0 * avg(r.passed::int), 1)::float AS compliance,
       string_agg(e.name, '、' ORDER BY e.code) FILTER (WHERE NOT r.passed) AS failing,
       string_agg(e.name_en, ', ' ORDER BY e.code) FILTER (WHERE NOT r.passed) AS failing_en
  FROM checkpoints c
  JOIN checkpoint_types t ON t.code = c.type_code
  LEFT JOIN latest l ON l.checkpoint_id = c.id
  LEFT JOIN inspection_results r ON r.inspection_id = l.id
  LEFT JOIN checkpoint_elements e ON e.type_code = r.type_code AND e.code = r.element_code
 GROUP BY c.id, t.name, t.name_en, l.inspected_at
 ORDER BY c.id
