-- Checkpoints inside a unit (whose {scope} is in %(scope_ids)s) with the result of their latest
-- inspection as of %(now)s (NULL: the database clock): elements required and passed and the
-- failing ones; weakest first, never-inspected last. %(limit)s NULL lists them all.
WITH p AS (SELECT coalesce(%(now)s::timestamptz, now()) AS now),
k AS (
    SELECT id, code, name, type_code, department_id FROM checkpoints WHERE {scope} = ANY(%(scope_ids)s)
), latest AS (
    SELECT DISTINCT ON (i.checkpoint_id) i.checkpoint_id, i.id, i.inspected_at
      FROM inspections i JOIN k ON k.id = i.checkpoint_id CROSS JOIN p
     WHERE i.inspected_at <= p.now
     ORDER BY i.checkpoint_id, i.inspected_at DESC, i.id DESC
)
SELECT k.id, k.code, k.name, t.name AS type_name, t.name_en AS type_name_en,
       d.name AS department, d.name_en AS department_en, l.inspected_at,
       count(r.element_code)::int AS elements,
       count(*) FILTER (WHERE r.passed)::int AS passed,
       string_agg(e.name, '、' ORDER BY e.code) FILTER (WHERE NOT r.passed) AS failing,
       string_agg(e.name_en, ', ' ORDER BY e.code) FILTER (WHERE NOT r.passed) AS failing_en
  FROM k
  JOIN checkpoint_types t ON t.code = k.type_code
  LEFT JOIN departments d ON d.id = k.department_id
  LEFT JOIN latest l ON l.checkpoint_id = k.id
  LEFT JOIN inspection_results r ON r.inspection_id = l.id
  LEFT JOIN checkpoint_elements e ON e.type_code = r.type_code AND e.code = r.element_code
 GROUP BY k.id, k.code, k.name, t.name, t.name_en, d.name, d.name_en, l.inspected_at
 ORDER BY (l.inspected_at IS NULL),
          count(*) FILTER (WHERE r.passed)::float / nullif(count(r.element_code), 0),
          count(r.element_code) DESC, k.code
 LIMIT %(limit)s
