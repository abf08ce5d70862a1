-- A closed period's stored results of one grouping, for the given keys (NULL: every key), best
-- first; results are read back as the close stored them, never recomputed.
SELECT key, scheme, counts, score, rank, flag
  FROM assessment_results
 WHERE period = %(label)s AND grouping = %(grouping)s
   AND (%(keys)s::text[] IS NULL OR key = ANY(%(keys)s::text[]))
 ORDER BY rank NULLS LAST, key
