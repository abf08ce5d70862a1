-- The active scheme of a grouping (a unit level, exclusive_grid, department or post); no row: none set.
SELECT scheme FROM assessment_active WHERE level = %(level)s
