-- The cases a person reported (the first event of each names them), newest first, with their progress.
SELECT c.id, k.name AS category, k.name_en AS category_en, c.status, st.name AS status_name,
       st.name_en AS status_name_en, c.reported_at, c.deadline_at,
       case_overdue(c.is_open, c.deadline_at, now()) AS overdue, left(c.description, 80) AS description,
       coalesce(g.name, m.name) AS place
  FROM case_events e
  JOIN cases c ON c.id = e.case_id
  JOIN case_categories k ON k.code = c.category_code
  JOIN case_statuses st ON st.code = c.status
  LEFT JOIN units m ON m.id = c.community_id
  LEFT JOIN units g ON g.id = c.grid_id
 WHERE e.actor = %(actor)s AND e.from_status IS NULL
 ORDER BY c.id DESC
 LIMIT %(limit)s
