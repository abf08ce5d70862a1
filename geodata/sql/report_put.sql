-- One file of a subject's report, replacing the one kept (geodata/reports/store.py runs both
-- formats of a subject in one transaction).
INSERT INTO assessment_reports AS r (period, subject_kind, subject_key, subject_id, city_id, district_id, street_id,
                                     community_id, format, body, size_bytes, generated_at, generated_by, took_ms)
VALUES (%(period)s, %(kind)s, %(key)s, %(id)s, %(city_id)s, %(district_id)s, %(street_id)s, %(community_id)s,
        %(format)s, %(body)s, octet_length(%(body)s), now(), %(by)s, %(took_ms)s)
ON CONFLICT (period, subject_kind, subject_key, format) DO UPDATE
   SET subject_id = EXCLUDED.subject_id, city_id = EXCLUDED.city_id, district_id = EXCLUDED.district_id,
       street_id = EXCLUDED.street_id, community_id = EXCLUDED.community_id, body = EXCLUDED.body,
       size_bytes = EXCLUDED.size_bytes, generated_at = EXCLUDED.generated_at,
       generated_by = EXCLUDED.generated_by, took_ms = EXCLUDED.took_ms
