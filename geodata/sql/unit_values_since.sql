-- Open and overdue cases, as unit_values.sql counts them, of the units of a level (in {col} of
-- cases) whose counts may have moved since a read under %(snapshot)s at %(at)s (values_snapshot.sql):
--   * their counter was written by a transaction that snapshot did not see (unit_stats.touched,
--     migration 0049: a case opened, ended or moved, an open case's deadline changed);
--   * an open case of theirs fell due since %(at)s (the clock alone moves the overdue count).
-- A unit in neither has the counts it had then. Each count is an index range of the unit's open
-- cases from now (the cases_<level>_open_idx indexes).
WITH since AS (SELECT %(snapshot)s::pg_snapshot AS s),
moved AS (
    SELECT s.unit_id
      FROM unit_stats s, since
     WHERE s.touched >= pg_snapshot_xmin(since.s) AND NOT pg_visible_in_snapshot(s.touched, since.s)
    UNION
    SELECT c.{col}
      FROM cases c
     WHERE c.ended_at IS NULL AND c.deadline_at >= %(at)s AND c.deadline_at < now() AND c.{col} IS NOT NULL
)
SELECT u.id, coalesce(s.open_cases, 0) AS open_cases,
       coalesce(s.open_cases, 0) - (SELECT count(*) FROM cases c
                                     WHERE c.{col} = u.id AND c.ended_at IS NULL AND c.deadline_at >= now()) AS overdue
  FROM moved m
  JOIN units u ON u.id = m.unit_id
  LEFT JOIN unit_stats s ON s.unit_id = u.id
 WHERE u.level = %(level)s AND (u.kind = 'exclusive') = %(exclusive)s
 ORDER BY u.id
