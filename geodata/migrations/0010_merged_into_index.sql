-- The foreign key cases.merged_into → cases.id is checked on every delete of a case; without an
-- index each check scans the whole table (a delete of 300 cases took over 5 s at demo scale).
CREATE INDEX IF NOT EXISTS cases_merged_into_idx ON cases (merged_into) WHERE merged_into IS NOT NULL;
