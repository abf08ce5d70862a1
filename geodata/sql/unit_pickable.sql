-- Street offices and communities (with their street's name), for picking an area by name.
SELECT u.code, u.name, u.level, s.name AS street_name
  FROM units u
  LEFT JOIN units s ON s.id = u.street_id AND u.level = 'community'
 WHERE u.level IN ('street', 'community')
   AND (%(street_id)s::integer IS NULL OR u.id = %(street_id)s OR u.street_id = %(street_id)s)
   AND (%(community_id)s::integer IS NULL OR u.id = %(community_id)s)
 ORDER BY u.level DESC, u.code
