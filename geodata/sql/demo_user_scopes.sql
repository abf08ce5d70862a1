-- The demo users' scopes: the district, its first street, that street's first community and that
-- community's first grid (NULL when the city has no grids).
SELECT d.code, s.code, c.code,
       (SELECT g.code FROM units g WHERE g.parent_id = c.id AND g.level = 'grid' ORDER BY g.code LIMIT 1)
  FROM units d
  JOIN units s ON s.parent_id = d.id AND s.level = 'street'
  JOIN units c ON c.parent_id = s.id AND c.level = 'community'
 WHERE d.level = 'district'
 ORDER BY d.code, s.code, c.code
 LIMIT 1
