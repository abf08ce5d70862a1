-- The stored results of the given keys of one grouping over the last %(months)s closed months that
-- end by the end of the period reported (its own month included), oldest first; a month a key has
-- no row in is absent.
WITH months AS (
    SELECT label, start_at
      FROM assessment_periods
     WHERE kind = 'month' AND end_at <= %(end)s
     ORDER BY start_at DESC
     LIMIT %(months)s
)
SELECT m.label, r.key, r.counts, r.score, r.rank, r.flag
  FROM months m
  JOIN assessment_results r ON r.period = m.label AND r.grouping = %(grouping)s AND r.key = ANY(%(keys)s::text[])
 ORDER BY m.start_at, r.key
