-- The checkpoints still due today (territory day %(today)s) inside the unit whose {scope} is in
-- %(scope_ids)s, each in the round that ends first; nearest the place (%(lon)s, %(lat)s) first when
-- it is known, else by the round's end and code.
WITH due AS (
    SELECT DISTINCT ON (k.id) k.id, k.code, k.name, k.type_code, k.geom, r.id AS round_id, r.name AS round_name,
           r.ends_on
      FROM round_checkpoints rc
      JOIN inspection_rounds r ON r.id = rc.round_id
      JOIN checkpoints k ON k.id = rc.checkpoint_id
     WHERE rc.inspection_id IS NULL AND %(today)s BETWEEN r.starts_on AND r.ends_on
       AND k.{scope} = ANY(%(scope_ids)s)
     ORDER BY k.id, r.ends_on, r.id
), here AS (
    SELECT CASE WHEN %(lon)s::float8 IS NOT NULL THEN ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) END AS pt
)
SELECT d.id, d.code, d.name, d.type_code, t.name AS type_name, t.name_en AS type_name_en, d.round_id,
       d.round_name, d.ends_on, ST_X(d.geom) AS lon, ST_Y(d.geom) AS lat,
       round(ST_Distance(d.geom::geography, h.pt::geography)::numeric)::int AS distance_m,
       count(*) OVER ()::int AS total
  FROM due d
  JOIN checkpoint_types t ON t.code = d.type_code
 CROSS JOIN here h
 ORDER BY ST_Distance(d.geom::geography, h.pt::geography) NULLS LAST, d.ends_on, d.code
 LIMIT %(limit)s
