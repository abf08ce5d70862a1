-- Reference rows the command-line loader (geodata/load.py) falls back on: a catch-all case
-- category for complaint types that match none of ours, and a source for bulk loads that name
-- none. Codes are data: re-running never overwrites a city's own rows.
INSERT INTO case_categories (code, name, name_en, parent_code, sla_hours, department_code) VALUES
    ('99', '其他', 'Other', NULL, 72, NULL)
ON CONFLICT (code) DO NOTHING;

INSERT INTO case_sources (code, name, name_en) VALUES
    ('import', '批量导入', 'Bulk import')
ON CONFLICT (code) DO NOTHING;
