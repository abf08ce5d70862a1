-- Overdue follows case_overdue (migration 0026), written out here in the form its indexes serve.
-- The polygons a unit's map colours: its descendants at %(level)s, found by their {ancestor}
-- column in %(drawn)s (layers/unit_map.py: the unit's own level's id column, or id itself when a
-- unit draws itself, or the top level's column for the whole territory), with
-- open (maintained counter; geometry only when %(with_geom)s) and overdue counts. Overdue is
-- open minus the open cases not yet due, which are few (unit_values.sql), counted by their
-- {group} column (the open-case indexes of 0016 hold it for the usual scopes, so no case row is
-- read), and for exclusive grids, which a case may have besides its tiling grid, by
-- exclusive_grid_id too.
WITH due AS (
    SELECT x.unit_id, count(*) AS n FROM (
        SELECT c.{group} AS unit_id
          FROM cases c
         WHERE c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL AND c.deadline_at >= now()
        UNION ALL
        SELECT c.exclusive_grid_id
          FROM cases c
         WHERE %(level)s = 'grid' AND c.exclusive_grid_id IS NOT NULL
           AND c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL AND c.deadline_at >= now()) x
     GROUP BY 1
)
SELECT u.id, u.code, u.name, u.kind, CASE WHEN %(with_geom)s THEN ST_AsBinary(u.geom) END AS wkb,
       ST_X(u.label_point) AS label_lon, ST_Y(u.label_point) AS label_lat,
       coalesce(s.open_cases, 0) AS open_cases, coalesce(s.open_cases, 0) - coalesce(d.n, 0) AS overdue
  FROM units u
  LEFT JOIN unit_stats s ON s.unit_id = u.id
  LEFT JOIN due d ON d.unit_id = u.id
 WHERE u.level = %(level)s AND u.{ancestor} = ANY(%(drawn)s)
 ORDER BY (u.kind = 'exclusive'), u.code
