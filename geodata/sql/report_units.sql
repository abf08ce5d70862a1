-- The units of the levels a report names, with their ancestors (subjects, rankings, scope).
SELECT id, code, name, level, kind, parent_id, city_id, district_id, street_id, community_id
  FROM units
 WHERE level = ANY(%(levels)s) AND kind <> 'exclusive'
 ORDER BY array_position(ARRAY['city', 'district', 'street', 'community', 'grid', 'micro'], level), code
