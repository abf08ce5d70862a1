-- Open and overdue cases, as unit_values.sql counts them, of the units of a level (in {col} of
-- cases) whose counts may have moved since a read under %(snapshot)s at %(at)s (values_snapshot.sql):
--   * their counter was written by a transaction that snapshot did not see (unit_stats.touched,
--     migration 0049: a case opened, ended or moved, an open case's deadline changed);
--   * an open case of theirs fell due since %(at)s (the clock alone moves the overdue count).
-- A unit in neither has the counts it had then. Each count is an index range of the unit's open
-- cases from now (the cases_<level>_open_idx indexes).
WITH since AS (SELECT %(snapshot)s::pg_snapshot AS s),
moved AS MATERIALIZED (
    SELECT s.unit_id
      FROM unit_stats s, since
     WHERE s.touched >= pg_snapshot_xmin(since.s) AND NOT pg_visible_in_snapshot(s.touched, since.s)
    UNION
    SELECT c.{col}
      FROM cases c
     WHERE c.ended_at IS NULL AND c.deadline_at >= %(at)s AND c.deadline_at < now() AND c.{col} IS NOT NULL
)
-- Unit by unit (scalar lookups: with a generic plan the planner cannot know the moved are few).
SELECT m.unit_id AS id, o.n AS open_cases,
       o.n - (SELECT count(*) FROM cases c
               WHERE c.{col} = m.unit_id AND c.ended_at IS NULL AND c.deadline_at >= now()) AS overdue
  FROM moved m
 CROSS JOIN LATERAL (SELECT coalesce((SELECT s.open_cases FROM unit_stats s WHERE s.unit_id = m.unit_id), 0) AS n) o
 WHERE (SELECT u.level = %(level)s AND (u.kind = 'exclusive') = %(exclusive)s FROM units u WHERE u.id = m.unit_id)
 ORDER BY m.unit_id
