-- The counts behind the assessment indicators of posts (岗位): the grid workers (users of role
-- gridworker, their grid the unit their scope code names), for the period [%(start)s, %(end)s);
-- %(names)s (NULL: every grid worker) keeps the usernames asked for. geodata/assessment/
-- indicators.py defines each count; docs/assessment.md writes them out.
--   reports        the cases a worker reported in the period (the case's first event names them)
--   valid_reports  … of which not voided (rejected 作废 or merged 合并)
--   checks_due     the answers (办结反馈: an event into 'resolved' from another status) of cases in
--                  the worker's grid whose check (核查) fell due in the period: answer time plus
--                  %(verify_hours)s hours within the period
--   checks_on_time … of which a check (verify, passed or failed, by anyone) followed within the limit
WITH posts AS (
    SELECT u.username, g.id AS grid_id
      FROM users u
      LEFT JOIN units g ON g.code = u.scope_code AND g.level = 'grid'
     WHERE u.role = 'gridworker' AND (%(names)s::text[] IS NULL OR u.username = ANY (%(names)s::text[]))
), reports AS (
    SELECT e.actor AS username, count(*) AS reports,
           count(*) FILTER (WHERE c.status NOT IN ('rejected', 'merged')) AS valid_reports
      FROM case_events e
      JOIN cases c ON c.id = e.case_id
     WHERE e.from_status IS NULL AND e.actor IN (SELECT username FROM posts)
       AND c.reported_at >= %(start)s AND c.reported_at < %(end)s
     GROUP BY e.actor
), answers AS (
    SELECT p.username,
           EXISTS (SELECT 1 FROM case_events v
                    WHERE v.case_id = r.case_id AND v.action = 'verify'
                      AND v.at >= r.at AND v.at <= r.at + interval '1 hour' * %(verify_hours)s) AS on_time
      FROM cases c
      JOIN posts p ON p.grid_id = c.grid_id
      JOIN case_events r ON r.case_id = c.id AND r.to_status = 'resolved' AND r.from_status IS DISTINCT FROM 'resolved'
     WHERE c.grid_id IN (SELECT grid_id FROM posts)
       AND c.reported_at < %(end)s
       AND (c.ended_at IS NULL OR c.ended_at >= %(start)s::timestamptz - interval '1 hour' * %(verify_hours)s)
       AND r.at >= %(start)s::timestamptz - interval '1 hour' * %(verify_hours)s
       AND r.at < %(end)s::timestamptz - interval '1 hour' * %(verify_hours)s
), checks AS (
    SELECT username, count(*) AS checks_due, count(*) FILTER (WHERE on_time) AS checks_on_time
      FROM answers GROUP BY username
)
SELECT p.username AS key, coalesce(r.reports, 0) AS reports, coalesce(r.valid_reports, 0) AS valid_reports,
       coalesce(k.checks_due, 0) AS checks_due, coalesce(k.checks_on_time, 0) AS checks_on_time
  FROM posts p
  LEFT JOIN reports r ON r.username = p.username
  LEFT JOIN checks k ON k.username = p.username
 ORDER BY p.username
