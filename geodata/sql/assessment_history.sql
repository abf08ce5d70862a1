-- One unit's, department's or post's results over the last %(months)s closed months up to %(until)s
-- (NULL: the latest), oldest first; a month it has no row in gives NULLs.
WITH months AS (
    SELECT label, start_at
      FROM assessment_periods
     WHERE kind = 'month'
       AND (%(until)s::text IS NULL
            OR start_at <= (SELECT start_at FROM assessment_periods WHERE label = %(until)s::text))
     ORDER BY start_at DESC
     LIMIT %(months)s
)
SELECT m.label, r.score, r.rank, r.flag
  FROM months m
  LEFT JOIN assessment_results r ON r.period = m.label AND r.grouping = %(grouping)s AND r.key = %(key)s
 ORDER BY m.start_at
