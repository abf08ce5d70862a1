-- 排查进度 by checkpoint type inside the unit whose {scope} is in %(scope_ids)s, over the rounds
-- running today (territory day %(today)s).
SELECT t.code, t.name, t.name_en, count(*)::int AS due, count(rc.inspection_id)::int AS inspected
  FROM round_checkpoints rc
  JOIN inspection_rounds r ON r.id = rc.round_id
  JOIN checkpoints k ON k.id = rc.checkpoint_id
  JOIN checkpoint_types t ON t.code = k.type_code
 WHERE %(today)s BETWEEN r.starts_on AND r.ends_on AND k.{scope} = ANY(%(scope_ids)s)
 GROUP BY t.code, t.name, t.name_en
 ORDER BY count(rc.inspection_id)::float / count(*), t.code
