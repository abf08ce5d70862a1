-- A new inspection round (排查轮次) and its due list: every checkpoint of the type (NULL: every
-- type) inside the unit whose {scope} is in %(scope_ids)s. An inspection already made in the round's
-- days (territory time %(tz)s) before the round was set up covers its checkpoint.
WITH r AS (
    INSERT INTO inspection_rounds (name, starts_on, ends_on, type_code, unit_id, created_by)
    VALUES (%(name)s, %(starts_on)s, %(ends_on)s, %(type_code)s, %(unit_id)s, %(actor)s)
    RETURNING id
), due AS (
    INSERT INTO round_checkpoints (round_id, checkpoint_id, inspection_id)
    SELECT r.id, k.id,
           (SELECT i.id FROM inspections i
             WHERE i.checkpoint_id = k.id AND i.kind IN ('routine', 'import')
               AND i.inspected_at >= (%(starts_on)s::date)::timestamp AT TIME ZONE %(tz)s
               AND i.inspected_at < (%(ends_on)s::date + 1)::timestamp AT TIME ZONE %(tz)s
             ORDER BY i.inspected_at, i.id LIMIT 1)
      FROM r CROSS JOIN checkpoints k
     WHERE k.{scope} = ANY(%(scope_ids)s)
       AND (%(type_code)s::text IS NULL OR k.type_code = %(type_code)s)
    RETURNING inspection_id
)
SELECT (SELECT id FROM r) AS id, count(*) AS due, count(inspection_id) AS covered FROM due
