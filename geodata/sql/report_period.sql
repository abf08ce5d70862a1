-- One closed period's row (none: not closed).
SELECT label, kind, start_at, end_at, closed_at, closed_by, computed_at, recomputed
  FROM assessment_periods
 WHERE label = %(label)s
