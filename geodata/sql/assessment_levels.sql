-- The unit levels the territory has, top down (each is a grouping of a period's assessment).
SELECT level FROM units GROUP BY level
 ORDER BY array_position(ARRAY['city', 'district', 'street', 'community', 'grid', 'micro'], level)
