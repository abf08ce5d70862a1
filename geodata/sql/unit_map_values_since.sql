-- Open and overdue cases, as unit_map_shapes.sql counts them, of the units a unit's map draws
-- (of %(level)s, with {ancestor} in %(drawn)s) whose counts may have moved since a read under
-- %(snapshot)s at %(at)s (values_snapshot.sql; the rules of unit_values_since.sql): their counter
-- was written since, or one of their open cases fell due since. Each count is an index range of
-- the unit's open cases from now.
WITH since AS (SELECT %(snapshot)s::pg_snapshot AS s),
moved AS MATERIALIZED (
    SELECT s.unit_id
      FROM unit_stats s, since
     WHERE s.touched >= pg_snapshot_xmin(since.s) AND NOT pg_visible_in_snapshot(s.touched, since.s)
    UNION
    SELECT c.{group}
      FROM cases c
     WHERE c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL AND c.deadline_at >= %(at)s AND c.deadline_at < now()
    UNION
    SELECT c.exclusive_grid_id
      FROM cases c
     WHERE %(level)s = 'grid' AND c.exclusive_grid_id IS NOT NULL
       AND c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL AND c.deadline_at >= %(at)s AND c.deadline_at < now()
)
-- Unit by unit (scalar lookups: with a generic plan the planner cannot know the moved are few).
SELECT m.unit_id AS id, o.n AS open_cases,
       o.n - (SELECT count(*) FROM cases c
               WHERE c.{group} = m.unit_id AND c.{scope} = ANY(%(scope_ids)s) AND c.ended_at IS NULL
                 AND c.deadline_at >= now())
           - (SELECT count(*) FROM cases c
               WHERE %(level)s = 'grid' AND c.exclusive_grid_id = m.unit_id AND c.{scope} = ANY(%(scope_ids)s)
                 AND c.ended_at IS NULL AND c.deadline_at >= now()) AS overdue
  FROM moved m
 CROSS JOIN LATERAL (SELECT coalesce((SELECT s.open_cases FROM unit_stats s WHERE s.unit_id = m.unit_id), 0) AS n) o
 WHERE (SELECT u.level = %(level)s AND u.{ancestor} = ANY(%(drawn)s) FROM units u WHERE u.id = m.unit_id)
 ORDER BY m.unit_id
