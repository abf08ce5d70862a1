-- The demo users' scopes: the district, its first street and that street's first community.
SELECT d.code, s.code, c.code
  FROM units d
  JOIN units s ON s.parent_id = d.id AND s.level = 'street'
  JOIN units c ON c.parent_id = s.id AND c.level = 'community'
 WHERE d.level = 'district'
 ORDER BY d.code, s.code, c.code
 LIMIT 1
