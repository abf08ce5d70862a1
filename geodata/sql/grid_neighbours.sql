-- Queen contiguity of the tiling grids: pairs of grids whose polygons touch (an edge or a single
-- point, T-junctions included), for the Gi* hotspot weights (geodata/analysis/hotspots.py).
SELECT a.id, b.id
  FROM units a
  JOIN units b ON b.level = 'grid' AND b.kind <> 'exclusive' AND b.id <> a.id AND ST_Intersects(a.geom, b.geom)
 WHERE a.level = 'grid' AND a.kind <> 'exclusive'
