-- Record a stored photo on its case (row-level security: only a case the writer may see).
INSERT INTO case_photos (case_id, stage, store_key, thumb_key, content_type, width, height, bytes, sha256,
                         place_hint, taken_at, uploaded_by)
VALUES (%(case_id)s, %(stage)s, %(store_key)s, %(thumb_key)s, %(content_type)s, %(width)s, %(height)s,
        %(bytes)s, %(sha256)s,
        CASE WHEN %(lon)s::float8 IS NULL THEN NULL
             ELSE ST_SetSRID(ST_MakePoint(%(lon)s::float8, %(lat)s::float8), 4326) END,
        %(taken_at)s, %(actor)s)
RETURNING id, case_id, stage, content_type, width, height, bytes, uploaded_by, uploaded_at, taken_at,
          coalesce((SELECT u.display_name FROM users u WHERE u.username = uploaded_by), uploaded_by) AS uploaded_by_name,
          ST_X(place_hint) AS hint_lon, ST_Y(place_hint) AS hint_lat
