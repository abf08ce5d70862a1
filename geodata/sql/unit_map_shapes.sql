-- The polygons a unit's map colours: its descendants at %(level)s (a grid draws itself), with
-- open (maintained counter; geometry only when %(with_geom)s) and overdue counts. Overdue is counted from the unit's open cases
-- (partial index on deadline_at), once for each unit a case belongs to.
WITH overdue AS (
    SELECT x.unit_id, count(*) AS n FROM (
        SELECT unnest(ARRAY[c.street_id, c.community_id, c.grid_id, c.exclusive_grid_id]) AS unit_id
          FROM cases c
         WHERE c.is_open AND c.deadline_at < now() AND c.{scope} = ANY(%(scope_ids)s)) x
     GROUP BY 1
)
SELECT u.id, u.code, u.name, u.kind, CASE WHEN %(with_geom)s THEN ST_AsBinary(u.geom) END AS wkb,
       ST_X(u.label_point) AS label_lon, ST_Y(u.label_point) AS label_lat,
       coalesce(s.open_cases, 0) AS open_cases, coalesce(o.n, 0) AS overdue
  FROM units u
  LEFT JOIN unit_stats s ON s.unit_id = u.id
  LEFT JOIN overdue o ON o.unit_id = u.id
 WHERE CASE WHEN %(level)s = u.level AND u.id = %(id)s THEN true
            ELSE u.level = %(level)s AND %(id)s IN (u.parent_id, u.community_id, u.street_id, u.district_id) END
 ORDER BY (u.kind = 'exclusive'), u.code
