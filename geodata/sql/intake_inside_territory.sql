-- Whether a point lies inside some street office of the territory (a case outside every one has
-- nowhere to be handled).
SELECT EXISTS (
    SELECT 1 FROM units
     WHERE level = 'street' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
)
