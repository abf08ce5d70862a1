-- The open cases inside a unit escalated above their unit (to the street or the district), for the
-- wall map's pulsing markers. Read from the partial index of escalated open cases (migration 0034).
SELECT c.id, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, c.escalation, k.name AS category, k.name_en AS category_en
  FROM cases c JOIN case_categories k ON k.code = c.category_code
 WHERE c.escalation > 0 AND c.is_open AND c.{scope} = ANY(%(scope_ids)s)
 ORDER BY c.escalated_at, c.id
 LIMIT 300
