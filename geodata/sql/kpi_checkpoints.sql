-- Checkpoint compliance per {group} unit as of the moment as_of (kpi_as_of.sql): the latest
-- inspection of each checkpoint at or before then, and how many of its required elements passed.
WITH k AS (
    SELECT id, {group} AS unit_id FROM checkpoints WHERE {scope} = ANY(%(scope_ids)s)
), latest AS (
    SELECT DISTINCT ON (i.checkpoint_id) i.checkpoint_id, i.id
      FROM inspections i JOIN k ON k.id = i.checkpoint_id
     WHERE i.inspected_at <= %(as_of)s
     ORDER BY i.checkpoint_id, i.inspected_at DESC, i.id DESC
), per_point AS (
    SELECT l.checkpoint_id, count(*) AS elements, count(*) FILTER (WHERE r.passed) AS passed
      FROM latest l JOIN inspection_results r ON r.inspection_id = l.id
     GROUP BY 1
)
SELECT k.unit_id,
       count(*) AS checkpoints,
       count(pp.checkpoint_id) AS inspected,
       count(*) FILTER (WHERE pp.passed = pp.elements) AS fully_compliant,
       coalesce(sum(pp.elements), 0) AS elements,
       coalesce(sum(pp.passed), 0) AS passed
  FROM k LEFT JOIN per_point pp ON pp.checkpoint_id = k.id
 GROUP BY 1
