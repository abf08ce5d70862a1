-- After a bulk load of cases (load_upsert_cases with the triggers off) or months archived
-- (geodata/cases/partitions.py): the daily counts and the open-case counters recounted from the
-- table, and the data version moved on, as the triggers would have done row by row.
SELECT case_days_rebuild(), unit_stats_rebuild();
UPDATE data_version SET version = version + 1, changed_at = now() WHERE topic = 'cases';
