-- Assessment results kept per closed period (issue 27, point 3): geodata/assessment/history.py
-- closes a period (computes every grouping once and stores it) and reads the stored rows back, so
-- a closed period's rankings and flags do not change when later data arrives. A recomputation is
-- explicit: it replaces the rows and is written to audit_log (action 'assessment_close', with why).
CREATE TABLE IF NOT EXISTS assessment_periods (
    label       text PRIMARY KEY,  -- as geodata/assessment/periods.py names it: '2026-11', '2026-Q4', ...
    kind        text NOT NULL CHECK (kind IN ('day', 'month', 'quarter', 'year', 'custom')),
    start_at    timestamptz NOT NULL,
    end_at      timestamptz NOT NULL,
    closed_at   timestamptz NOT NULL DEFAULT now(),
    closed_by   text NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now(),  -- the last computation (the close or a recompute)
    computed_by text NOT NULL,
    recomputed  integer NOT NULL DEFAULT 0 CHECK (recomputed >= 0),
    CHECK (start_at < end_at)
);
CREATE INDEX IF NOT EXISTS assessment_periods_kind_start ON assessment_periods (kind, start_at);

-- One unit (of a level), department or post of a closed period: its indicator counts and, where a
-- scheme was active for the grouping, its score (NULL: no score, 不参评), rank and flag.
CREATE TABLE IF NOT EXISTS assessment_results (
    period   text NOT NULL REFERENCES assessment_periods (label) ON DELETE CASCADE,
    grouping text NOT NULL
             CHECK (grouping IN ('city', 'district', 'street', 'community', 'grid', 'micro', 'exclusive_grid',
                                 'department', 'post')),
    key      text NOT NULL,  -- the unit's or department's id, the post's username
    scheme   text,           -- the scheme that scored it; NULL: none was active
    counts   jsonb NOT NULL,
    score    numeric,
    rank     integer CHECK (rank IS NULL OR rank >= 1),
    flag     text CHECK (flag IN ('red', 'black')),
    PRIMARY KEY (period, grouping, key)
);
CREATE INDEX IF NOT EXISTS assessment_results_key ON assessment_results (grouping, key);

-- The new audit action: a period closed or recomputed.
ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'sign_in', 'sign_in_failed', 'sign_out', 'export', 'import', 'case_create', 'case_transition', 'user_admin',
    'session_end', 'case_photo', 'rating_link', 'inspection', 'inspection_round', 'notify_admin',
    'assessment_admin', 'assessment_close'));
