-- Whether a point lies inside the territory: inside one of its top-level units (a case outside
-- every one has nowhere to be handled).
SELECT EXISTS (
    SELECT 1 FROM units
     WHERE parent_id IS NULL AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
)
