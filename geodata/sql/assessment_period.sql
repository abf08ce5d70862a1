-- A closed period's row (none: not closed); FOR UPDATE so two closes of one period take turns.
SELECT label, closed_at, closed_by, computed_at, recomputed FROM assessment_periods WHERE label = %(label)s FOR UPDATE
