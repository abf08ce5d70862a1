-- The counts behind the assessment indicators of units and departments (geodata/assessment/
-- indicators.py defines each one; docs/assessment.md writes them out), per group of each grouping
-- (a unit column of cases, or department_id: {keys} names them g0, g1, …; {sets} groups by each
-- and {by} / {key} say which grouping and group a row is), for the period [%(start)s, %(end)s),
-- in one pass over the
-- cases that were alive in it: reported before its end, and not ended (办结 or voided) before its
-- start unless rated in it. Void cases (rejected 作废, merged 合并) count nowhere. %(ids)s (NULL:
-- every group) keeps the groups asked for, of a single grouping ({first}). Every grouping in one
-- pass: each pass reads the 1.3M cases alive in a month of the city (2.6–3.6 s).
--
-- due_at is the deadline assessment holds a case to: the one before any approved extension
-- (deadline_original_at), else the one a parked case had when parked (its deadline_at is then
-- 'infinity'), else deadline_at. A case is closed (结案) when its answer stands (resolved, rated or
-- closed; a failed check clears the answer); its closing time is ended_at (resolved_at).
-- Overdue-open (超期未结) is as of the period's end: not closed by then, due before then, and not
-- parked then. Failed checks (返工) and approved extensions (延期) are the case's events in the
-- period, read only for the cases whose counters say they have any.
WITH c AS (
    SELECT {keys}, c.reported_at, c.ended_at, c.rated_at, c.satisfaction, c.supervised_at,
           c.parked_at IS NOT NULL AND c.parked_at < %(end)s AS parked,
           coalesce(c.deadline_original_at, c.parked_deadline_at, c.deadline_at) AS due_at,
           c.status IN ('resolved', 'rated', 'closed') AS answered,
           c.reported_at >= %(start)s AS filed,
           c.status IN ('resolved', 'rated', 'closed') AND c.ended_at >= %(start)s AND c.ended_at < %(end)s AS closed,
           (c.ended_at IS NULL OR c.ended_at >= %(end)s) AS open_at_end,
           coalesce(c.accepted_at, CASE WHEN c.status IN ('resolved', 'rated', 'closed') THEN c.ended_at END)
               AS responded_at,
           c.supervise_due_at,
           CASE WHEN c.rework_count > 0 THEN (
               SELECT count(*) FROM case_events e
                WHERE e.case_id = c.id AND e.action = 'verify' AND e.to_status = 'accepted'
                  AND e.at >= %(start)s AND e.at < %(end)s) ELSE 0 END AS reworks,
           CASE WHEN c.extension_count > 0 THEN (
               SELECT count(*) FROM case_events e
                WHERE e.case_id = c.id AND e.action = 'approve_extension'
                  AND e.at >= %(start)s AND e.at < %(end)s) ELSE 0 END AS extensions
      FROM cases c
     WHERE c.reported_at < %(end)s
       AND (c.ended_at IS NULL OR c.ended_at >= %(start)s OR c.rated_at >= %(start)s)
       AND c.status NOT IN ('rejected', 'merged')
       AND ({present})
       AND (%(ids)s::integer[] IS NULL OR {first} = ANY (%(ids)s::integer[]))
), f AS (
    SELECT c.*, c.open_at_end AND c.due_at < %(end)s AND NOT c.parked AS overdue_open FROM c
)
SELECT {by} AS grouped_by, {key} AS key,
       count(*) FILTER (WHERE filed) AS filed,
       count(*) FILTER (WHERE closed OR overdue_open) AS due,
       count(*) FILTER (WHERE closed) AS closed,
       count(*) FILTER (WHERE closed AND ended_at <= due_at) AS closed_on_time,
       count(*) FILTER (WHERE overdue_open) AS overdue_open,
       coalesce(sum(reworks), 0) AS reworked,
       coalesce(sum(extensions), 0) AS extended,
       count(*) FILTER (WHERE parked AND open_at_end) AS parked,
       count(*) FILTER (WHERE supervised_at >= %(start)s AND supervised_at < %(end)s) AS supervised,
       count(*) FILTER (WHERE supervised_at >= %(start)s AND supervised_at < %(end)s AND answered
                          AND ended_at <= coalesce(supervise_due_at, 'infinity')) AS supervised_done,
       count(*) FILTER (WHERE filed AND responded_at <= reported_at + interval '1 hour' * %(response_hours)s)
           AS responded,
       count(*) FILTER (WHERE filed AND answered) AS solved,
       count(*) FILTER (WHERE rated_at >= %(start)s AND rated_at < %(end)s AND satisfaction IS NOT NULL) AS rated,
       count(*) FILTER (WHERE rated_at >= %(start)s AND rated_at < %(end)s AND satisfaction >= 4) AS satisfied
  FROM f
 GROUP BY GROUPING SETS ({sets})
HAVING {key} IS NOT NULL
