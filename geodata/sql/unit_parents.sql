-- The parents of the units %(ids)s, by level: a broad set of units (every grid of a city) is read
-- through its parents' column (geodata/kpis.py each_unit_kpis).
SELECT p.level, array_agg(DISTINCT p.id ORDER BY p.id)
  FROM units u
  JOIN units p ON p.id = u.parent_id
 WHERE u.id = ANY(%(ids)s)
 GROUP BY p.level
