-- Checkpoint elements judged by devices (checkpoint_elements.device = 'camera', 0032) after some
-- cameras changed status: the checkpoints with such an element within %(range_m)s metres of a
-- changed camera are judged again ("at least one online camera within %(range_m)s metres"), and
-- where the verdict differs from the element's result in the checkpoint's latest inspection, a
-- device inspection is recorded. It holds every element of that latest inspection, carried forward,
-- and the device's elements with the verdict, at the time of the change (or just after the latest
-- inspection, when that came later: the device's word is then the newest). A checkpoint
-- never inspected is left alone; no case is opened. Distances: the box around the point first (the
-- GiST index finds what is in it), then the spheroid (as geodata/analysis/statements.py _within_m).
--
-- %(ids)s and %(ats)s: the cameras whose status changed and when. One row: the inspections made.
WITH changed AS (
    SELECT c.id, c.geom, u.at
      FROM unnest(%(ids)s::integer[], %(ats)s::timestamptz[]) AS u(id, at)
      JOIN cameras c ON c.id = u.id
), near AS (
    SELECT p.id, p.type_code, p.geom, max(ch.at) AS at
      FROM changed ch
      JOIN checkpoints p
        ON p.geom && ST_Expand(ch.geom, %(range_m)s / (111000 * cos(radians(ST_Y(ch.geom)))), %(range_m)s / 110000.0)
       AND ST_DWithin(ch.geom::geography, p.geom::geography, %(range_m)s)
     WHERE EXISTS (SELECT 1 FROM checkpoint_elements e WHERE e.type_code = p.type_code AND e.device = 'camera')
     GROUP BY p.id, p.type_code, p.geom
), verdict AS (
    SELECT n.id AS checkpoint_id, n.type_code, l.id AS latest_id,
           greatest(n.at, l.inspected_at + interval '1 microsecond') AS at,
           EXISTS (
               SELECT 1 FROM cameras cam
                WHERE cam.status = 'online'
                  AND cam.geom && ST_Expand(n.geom, %(range_m)s / (111000 * cos(radians(ST_Y(n.geom)))),
                                            %(range_m)s / 110000.0)
                  AND ST_DWithin(n.geom::geography, cam.geom::geography, %(range_m)s)
           ) AS passed
      FROM near n
     CROSS JOIN LATERAL (
               SELECT i.id, i.inspected_at FROM inspections i
                WHERE i.checkpoint_id = n.id
                ORDER BY i.inspected_at DESC, i.id DESC
                LIMIT 1
           ) l
), differs AS (
    SELECT v.* FROM verdict v
     WHERE EXISTS (
               SELECT 1 FROM checkpoint_elements e
                 LEFT JOIN inspection_results r ON r.inspection_id = v.latest_id AND r.element_code = e.code
                WHERE e.type_code = v.type_code AND e.device = 'camera' AND r.passed IS DISTINCT FROM v.passed
           )
), made AS (
    INSERT INTO inspections (checkpoint_id, type_code, inspected_at, inspector, kind, note)
    SELECT d.checkpoint_id, d.type_code, d.at, '设备状态', 'device',
           CASE WHEN d.passed THEN '摄像头恢复在线' ELSE '摄像头离线' END
      FROM differs d
    RETURNING id, checkpoint_id
), results AS (
    INSERT INTO inspection_results (inspection_id, type_code, element_code, passed, note, carried, case_id, photo_id)
    SELECT m.id, r.type_code, r.element_code, r.passed, r.note, true, NULL::bigint, NULL::bigint
      FROM made m
      JOIN differs d ON d.checkpoint_id = m.checkpoint_id
      JOIN inspection_results r ON r.inspection_id = d.latest_id
     WHERE NOT EXISTS (SELECT 1 FROM checkpoint_elements e
                        WHERE e.type_code = d.type_code AND e.code = r.element_code AND e.device = 'camera')
    UNION ALL
    SELECT m.id, d.type_code, e.code, d.passed,
           CASE WHEN d.passed THEN '摄像头恢复在线' ELSE '摄像头离线' END, false, NULL::bigint, NULL::bigint
      FROM made m
      JOIN differs d ON d.checkpoint_id = m.checkpoint_id
      JOIN checkpoint_elements e ON e.type_code = d.type_code AND e.device = 'camera'
    RETURNING inspection_id
)
SELECT (SELECT count(*) FROM made) AS inspections, (SELECT count(*) FROM results) AS results
