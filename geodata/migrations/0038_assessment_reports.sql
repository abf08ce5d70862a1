-- The monthly assessment report (月考季评, issue 27 point 4): each closed period's Excel workbook and
-- PDF per subject (the territory's top unit, each unit down to the street level, each department),
-- kept in the database beside the results they are made from (geodata/reports/store.py). A
-- period's reports go with it (ON DELETE CASCADE); regenerating a subject replaces both of its
-- files in one transaction, so a reader never gets half a report.
CREATE TABLE IF NOT EXISTS assessment_reports (
    period       text NOT NULL REFERENCES assessment_periods (label) ON DELETE CASCADE,
    subject_kind text NOT NULL CHECK (subject_kind IN ('unit', 'department')),
    subject_key  text NOT NULL,     -- the unit's code ('_all': the whole territory) or the department's code
    subject_id   integer NOT NULL,  -- the unit's id (0: the whole territory) or the department's id
    -- A unit subject's own ancestors (its own id at its own level), as facts carry them: the scope
    -- policies below compare one integer, as those of cases do (0013, 0028). NULL for a department
    -- and for the whole territory.
    city_id      integer,
    district_id  integer,
    street_id    integer,
    community_id integer,
    format       text NOT NULL CHECK (format IN ('xlsx', 'pdf')),
    body         bytea NOT NULL,
    size_bytes   integer NOT NULL CHECK (size_bytes = octet_length(body)),
    generated_at timestamptz NOT NULL DEFAULT now(),
    generated_by text NOT NULL,
    took_ms      integer NOT NULL DEFAULT 0 CHECK (took_ms >= 0),
    PRIMARY KEY (period, subject_kind, subject_key, format),
    CHECK (subject_kind = 'unit' OR (city_id IS NULL AND district_id IS NULL AND street_id IS NULL
                                     AND community_id IS NULL))
);

-- Row-level security, as for the other scoped tables: the whole territory sees every report; a
-- city's, district's, street's or community's reader the reports of units inside its unit; a
-- department's handler its department's. The app role alone (no scope) sees none.
ALTER TABLE assessment_reports ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS scope_all ON assessment_reports;
CREATE POLICY scope_all ON assessment_reports TO gridops_scope_all USING (true) WITH CHECK (true);
DO $$
DECLARE
    lv text;
BEGIN
    FOREACH lv IN ARRAY ARRAY['city', 'district', 'street', 'community'] LOOP
        EXECUTE format('DROP POLICY IF EXISTS %I ON assessment_reports', 'scope_' || lv);
        EXECUTE format('CREATE POLICY %I ON assessment_reports TO %I '
                       'USING (subject_kind = ''unit'' AND %I = current_setting(''gridops.scope_id'')::integer) '
                       'WITH CHECK (subject_kind = ''unit'' AND %I = current_setting(''gridops.scope_id'')::integer)',
                       'scope_' || lv, 'gridops_scope_' || lv, lv || '_id', lv || '_id');
    END LOOP;
END $$;
DROP POLICY IF EXISTS scope_department ON assessment_reports;
CREATE POLICY scope_department ON assessment_reports TO gridops_scope_department
    USING (subject_kind = 'department' AND subject_id = current_setting('gridops.scope_id')::integer)
    WITH CHECK (subject_kind = 'department' AND subject_id = current_setting('gridops.scope_id')::integer);

-- The new audit action: a report generated (by the schedule, a command or an admin on the page).
-- Downloads are written as 'export' with layer 'report', as the workbench's downloads are.
ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'sign_in', 'sign_in_failed', 'sign_out', 'export', 'import', 'case_create', 'case_transition', 'user_admin',
    'session_end', 'case_photo', 'rating_link', 'inspection', 'inspection_round', 'notify_admin',
    'assessment_admin', 'assessment_close', 'assessment_report'));
