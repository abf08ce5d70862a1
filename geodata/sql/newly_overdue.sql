-- Overdue follows case_overdue (migration 0026), written out here in the form its indexes serve.
-- Open cases inside a unit that passed their deadline within the last %(minutes)s minutes.
SELECT c.id, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, c.grid_id, k.name AS category, c.deadline_at
  FROM cases c JOIN case_categories k ON k.code = c.category_code
 WHERE c.is_open AND c.{scope} = ANY(%(scope_ids)s)
   AND c.deadline_at < now() AND c.deadline_at >= now() - make_interval(mins => %(minutes)s)
 ORDER BY c.deadline_at DESC
 LIMIT 200
