-- One vector tile of the checkpoints (layer "checkpoints"): id, name, type and the compliance of
-- each one's latest inspection (share of required elements passed; NULL when never inspected),
-- with the failing elements and the date, for the colour and the hover (checkpoint_points.sql
-- for a tile's checkpoints). %(gcj02)s as in tile_grids.sql.
WITH t AS (
    SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env
), q AS (
    SELECT ST_Transform(ST_Expand(t.env, CASE WHEN %(gcj02)s THEN 1000 ELSE 64 END), 4326) AS box FROM t
), here AS (
    SELECT c.* FROM checkpoints c CROSS JOIN q WHERE c.geom && q.box
), latest AS (
    SELECT DISTINCT ON (i.checkpoint_id) i.id, i.checkpoint_id, i.inspected_at
      FROM inspections i
     WHERE i.checkpoint_id IN (SELECT id FROM here)
     ORDER BY i.checkpoint_id, i.inspected_at DESC, i.id DESC
)
SELECT ST_AsMVT(f, 'checkpoints', 4096, 'geom', 'id')
  FROM (
        SELECT c.id, c.name, k.name AS type_name, k.name_en AS type_name_en,
               round(100.0 * avg(r.passed::int), 1)::float AS compliance,
               round(100.0 * avg(r.passed::int))::text || '%%' AS compliance_text,
               string_agg(e.name, '、' ORDER BY e.code) FILTER (WHERE NOT r.passed) AS failing,
               string_agg(e.name_en, ', ' ORDER BY e.code) FILTER (WHERE NOT r.passed) AS failing_en,
               to_char(l.inspected_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS inspected,
               ST_AsMVTGeom(ST_Transform(CASE WHEN %(gcj02)s THEN gcj02_shift(c.geom, c.geom) ELSE c.geom END, 3857),
                            t.env, 4096, 16, true) AS geom
          FROM here c
          CROSS JOIN t
          JOIN checkpoint_types k ON k.code = c.type_code
          LEFT JOIN latest l ON l.checkpoint_id = c.id
          LEFT JOIN inspection_results r ON r.inspection_id = l.id
          LEFT JOIN checkpoint_elements e ON e.type_code = r.type_code AND e.code = r.element_code
         GROUP BY c.id, c.name, k.name, k.name_en, c.geom, l.inspected_at, t.env
       ) f
 WHERE f.geom IS NOT NULL
