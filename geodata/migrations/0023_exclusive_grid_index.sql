-- The exclusive grids (专属网格: a school, a market, a hospital) on an index of their own, as the
-- tiling grids have theirs (0002). assign_unit_ids looks up every new case's exclusive grid; on
-- the index of all units that lookup descends through the district's, the streets' and the
-- communities' large boxes, which cover every point, and cost 1.2 ms per case at city scale
-- (70k grids), most of a create's time in the database. On this index it is a few pages.
CREATE INDEX IF NOT EXISTS units_exclusive_grid_gix ON units USING gist (geom)
    WHERE level = 'grid' AND kind = 'exclusive';
