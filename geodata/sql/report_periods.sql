-- The closed periods, newest first (the /reports page and the report command).
SELECT label, kind, start_at, end_at, closed_at, closed_by
  FROM assessment_periods
 ORDER BY start_at DESC, end_at DESC, label
