-- A point surely inside a unit (its place when a phone has no fix), WGS84.
SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) AS p FROM units WHERE id = %(id)s) u
