-- The units above the grids (cities, districts, street offices, communities), with their parent's
-- name, for picking an area by name: those inside the unit %(scope_id)s of level %(scope_level)s
-- (NULL: the whole territory), top levels first.
SELECT u.code, u.name, u.level, p.name AS parent_name
  FROM units u
  LEFT JOIN units p ON p.id = u.parent_id
 WHERE u.level IN ('city', 'district', 'street', 'community')
   AND (%(scope_level)s::text IS NULL OR u.id = %(scope_id)s
        OR CASE %(scope_level)s WHEN 'city' THEN u.city_id WHEN 'district' THEN u.district_id
                                WHEN 'street' THEN u.street_id WHEN 'community' THEN u.community_id END = %(scope_id)s)
 ORDER BY array_position(ARRAY['city', 'district', 'street', 'community'], u.level), u.code
