-- One kept file of a report, if the reader's scope lets it see it (row-level security).
SELECT body, generated_at
  FROM assessment_reports
 WHERE period = %(period)s AND subject_kind = %(kind)s AND subject_key = %(key)s AND format = %(format)s
