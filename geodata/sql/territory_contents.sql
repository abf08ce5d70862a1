-- What the territory holds, for the layers a map offers: the unit levels loaded, whether any
-- exclusive grid is, and whether roads are (none of these tables is under row-level security).
SELECT (SELECT array_agg(DISTINCT level) FROM units),
       EXISTS (SELECT 1 FROM units WHERE level = 'grid' AND kind = 'exclusive'),
       EXISTS (SELECT 1 FROM roads)
