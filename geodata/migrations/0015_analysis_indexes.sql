-- The analysts' workbench (geodata/analysis_sql.py): a filter on open cases shows its first page
-- newest first; open cases are a small part of ten million, so they get their own time index.
CREATE INDEX IF NOT EXISTS cases_open_reported_idx ON cases (reported_at) WHERE is_open;
