-- The last %(months)s closed months that end by the end of the period reported, oldest first.
SELECT label
  FROM (SELECT label, start_at FROM assessment_periods
         WHERE kind = 'month' AND end_at <= %(end)s
         ORDER BY start_at DESC LIMIT %(months)s) m
 ORDER BY start_at
