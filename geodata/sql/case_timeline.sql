-- A case's event log, oldest first, with the step's and the statuses' names.
SELECT e.id, e.at, e.from_status, f.name AS from_name, f.name_en AS from_name_en,
       e.to_status, t.name AS to_name, t.name_en AS to_name_en, e.action,
       r.name AS action_name, r.name_en AS action_name_en,
       e.actor, coalesce(u.display_name, e.actor) AS actor_name, e.claimed_actor, e.note
  FROM case_events e
  LEFT JOIN case_statuses f ON f.code = e.from_status
  JOIN case_statuses t ON t.code = e.to_status
  LEFT JOIN LATERAL (SELECT tr.name, tr.name_en FROM case_transitions tr
                      WHERE tr.from_status = e.from_status AND tr.action = e.action AND tr.to_status = e.to_status
                      LIMIT 1) r ON true
  LEFT JOIN users u ON u.username = e.actor
 WHERE e.case_id = %(id)s
 ORDER BY e.at, e.id
