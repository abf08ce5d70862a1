-- 排查进度 per {group} unit as of the moment as_of (kpi_as_of.sql): of the checkpoints due in the
-- rounds running on that day (territory time %(tz)s), those inspected by then.
SELECT {group} AS unit_id,
       count(*) AS round_due,
       count(*) FILTER (WHERE i.inspected_at <= %(as_of)s) AS round_done
  FROM round_checkpoints rc
  JOIN inspection_rounds r ON r.id = rc.round_id
  JOIN checkpoints k ON k.id = rc.checkpoint_id
  LEFT JOIN inspections i ON i.id = rc.inspection_id
 WHERE (%(as_of)s AT TIME ZONE %(tz)s)::date BETWEEN r.starts_on AND r.ends_on
   AND k.{scope} = ANY(%(scope_ids)s)
 GROUP BY 1
