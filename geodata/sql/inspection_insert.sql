-- One inspection of a checkpoint (its results follow in inspection_results_insert).
INSERT INTO inspections (checkpoint_id, type_code, inspected_at, inspector, kind, round_id, place, distance_m, far,
                         note, external_id)
VALUES (%(checkpoint_id)s, %(type_code)s, coalesce(%(at)s, now()), %(actor)s, %(kind)s, %(round_id)s,
        CASE WHEN %(lon)s::float8 IS NOT NULL THEN ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) END,
        %(distance_m)s, %(far)s, %(note)s, %(external_id)s)
RETURNING id, inspected_at
