-- Open cases whose deadline is still ahead, by deadline, carrying their units. In a city with a
-- large backlog nearly every open case is overdue (city scale: 906k of 970k), so overdue counts
-- are taken as open (the maintained counter) minus the few not yet due, an index range from
-- now, instead of reading every overdue case (geodata/sql/unit_values.sql, unit_map_shapes.sql).
-- Ordered by deadline (and id, the tie-break of the lists), it also gives the longest-overdue
-- cases of a wide scope first, without sorting them all.
CREATE INDEX IF NOT EXISTS cases_open_due_idx ON cases (deadline_at, id)
    INCLUDE (street_id, community_id, grid_id, exclusive_grid_id) WHERE ended_at IS NULL;
