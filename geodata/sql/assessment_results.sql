-- The stored results of one closed period and grouping, best first (no rank last, by key).
SELECT key, scheme, counts, score, rank, flag
  FROM assessment_results
 WHERE period = %(label)s AND grouping = %(grouping)s
 ORDER BY rank NULLS LAST, key
