-- A case's event log, oldest first, with status names.
SELECT e.id, e.at, e.from_status, f.name AS from_name, f.name_en AS from_name_en,
       e.to_status, t.name AS to_name, t.name_en AS to_name_en, e.actor, e.claimed_actor, e.note
  FROM case_events e
  LEFT JOIN case_statuses f ON f.code = e.from_status
  JOIN case_statuses t ON t.code = e.to_status
 WHERE e.case_id = %(id)s
 ORDER BY e.at, e.id
