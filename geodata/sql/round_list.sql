-- The inspection rounds with their coverage (排查进度) inside the unit whose {scope} is in
-- %(scope_ids)s: checkpoints due there and those inspected; the current ones first.
SELECT r.id, r.name, r.starts_on, r.ends_on, r.type_code, t.name AS type_name, t.name_en AS type_name_en,
       u.code AS unit_code, u.name AS unit_name, r.created_by, r.created_at,
       count(k.id)::int AS due, count(k.id) FILTER (WHERE rc.inspection_id IS NOT NULL)::int AS inspected,
       %(today)s BETWEEN r.starts_on AND r.ends_on AS current
  FROM inspection_rounds r
  LEFT JOIN checkpoint_types t ON t.code = r.type_code
  LEFT JOIN units u ON u.id = r.unit_id
  LEFT JOIN round_checkpoints rc ON rc.round_id = r.id
  LEFT JOIN checkpoints k ON k.id = rc.checkpoint_id AND k.{scope} = ANY(%(scope_ids)s)
 GROUP BY r.id, t.name, t.name_en, u.code, u.name
HAVING count(k.id) > 0
 ORDER BY (%(today)s BETWEEN r.starts_on AND r.ends_on) DESC, r.ends_on DESC, r.id DESC
 LIMIT %(limit)s
