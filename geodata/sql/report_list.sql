-- The reports kept (no bytes), newest period first: what the reader's scope lets it see
-- (row-level security, migration 0038).
SELECT r.period, r.subject_kind, r.subject_key, r.format, r.size_bytes, r.generated_at, r.generated_by
  FROM assessment_reports r
  JOIN assessment_periods p ON p.label = r.period
 WHERE %(period)s::text IS NULL OR r.period = %(period)s::text
 ORDER BY p.start_at DESC, r.period, r.subject_kind DESC, r.subject_key, r.format
