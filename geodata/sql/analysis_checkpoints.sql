-- Checkpoints for the analyst workbench with their latest inspection (compliance, failing
-- elements) and the nearest online camera. {where} comes from geodata/analysis/statements.py.
WITH latest AS (
    SELECT DISTINCT ON (checkpoint_id) id, checkpoint_id, inspected_at
      FROM inspections
     ORDER BY checkpoint_id, inspected_at DESC, id DESC
), scored AS (
    SELECT l.checkpoint_id, l.inspected_at,
           round(100.0 * avg(r.passed::int), 1)::float AS compliance,
           array_agg(r.element_code ORDER BY r.element_code) FILTER (WHERE NOT r.passed) AS failing_codes,
           string_agg(e.name, '、' ORDER BY e.code) FILTER (WHERE NOT r.passed) AS failing,
           string_agg(e.name_en, ', ' ORDER BY e.code) FILTER (WHERE NOT r.passed) AS failing_en
      FROM latest l
      JOIN inspection_results r ON r.inspection_id = l.id
      JOIN checkpoint_elements e ON e.type_code = r.type_code AND e.code = r.element_code
     GROUP BY l.checkpoint_id, l.inspected_at
)
SELECT * FROM (
    SELECT c.id, c.code, c.name, c.type_code, t.name AS type, t.name_en AS type_en,
           s.name AS street, m.name AS community, g.name AS grid,
           sc.inspected_at, sc.compliance, coalesce(sc.failing_codes, ARRAY[]::text[]) AS failing_codes,
           sc.failing, sc.failing_en,
           (SELECT round(ST_Distance(c.geom::geography, cam.geom::geography))::integer
              FROM cameras cam WHERE cam.status = 'online'
             ORDER BY cam.geom <-> c.geom LIMIT 1) AS nearest_camera_m,
           ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat,
           c.geom, c.city_id, c.district_id, c.street_id, c.community_id, c.grid_id, c.micro_id,
           c.exclusive_grid_id
      FROM checkpoints c
      JOIN checkpoint_types t ON t.code = c.type_code
      LEFT JOIN scored sc ON sc.checkpoint_id = c.id
      LEFT JOIN units s ON s.id = c.street_id
      LEFT JOIN units m ON m.id = c.community_id
      LEFT JOIN units g ON g.id = c.grid_id
) x
 WHERE {where}
