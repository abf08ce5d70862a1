-- The round in which the checkpoint is still due today (territory day %(today)s): the one that
-- ends first, when rounds overlap.
SELECT rc.round_id
  FROM round_checkpoints rc
  JOIN inspection_rounds r ON r.id = rc.round_id
 WHERE rc.checkpoint_id = %(id)s AND rc.inspection_id IS NULL
   AND %(today)s BETWEEN r.starts_on AND r.ends_on
 ORDER BY r.ends_on, r.id
 LIMIT 1
