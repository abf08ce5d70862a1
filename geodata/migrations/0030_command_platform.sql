-- The command platform (指挥一平台, DESIGN §12): the working roles, a department's row scope, and
-- the steps operators take around the loop: 催办 (urge), 督办 (supervise), 延期 (extension, with
-- approval), 挂账 (parking, with approval) and 核查 (verification that can fail and send the case
-- back as 返工, rework). Everything below is data the one lifecycle function reads
-- (geodata/cases/lifecycle.py).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gridops_scope_department') THEN
        RAISE EXCEPTION 'row-level security needs the NOLOGIN role gridops_scope_department, granted to the app role '
            'and given its table rights like the other scope roles: see the README section "Row-level security" '
            '(gridops setup makes it on the embedded cluster)';
    END IF;
END $$;

-- What the new steps keep on the case. Every column is nullable or has a constant default, so
-- adding them rewrites no row.
ALTER TABLE cases
    ADD COLUMN IF NOT EXISTS urge_count smallint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS urged_at timestamptz,
    ADD COLUMN IF NOT EXISTS supervised_at timestamptz,          -- 督办: when a leader marked it
    ADD COLUMN IF NOT EXISTS supervise_due_at timestamptz,       -- … and by when it must be done
    ADD COLUMN IF NOT EXISTS supervised_by text CHECK (length(supervised_by) <= 200),
    ADD COLUMN IF NOT EXISTS deadline_original_at timestamptz,   -- the deadline before the first approved extension
    ADD COLUMN IF NOT EXISTS extension_count smallint NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS extension_until timestamptz,        -- a requested deadline awaiting approval
    ADD COLUMN IF NOT EXISTS extension_reason text CHECK (length(extension_reason) <= 2000),
    ADD COLUMN IF NOT EXISTS park_requested_at timestamptz,      -- 挂账 requested, awaiting approval
    ADD COLUMN IF NOT EXISTS park_reason text CHECK (length(park_reason) <= 2000),
    -- While parked the case has no deadline: deadline_at is 'infinity' (so no query counts it
    -- overdue or due), and parked_deadline_at keeps the deadline it had. Unparking gives it back,
    -- moved by the time spent parked (the clock stopped, 暂停计时).
    ADD COLUMN IF NOT EXISTS parked_at timestamptz,
    ADD COLUMN IF NOT EXISTS parked_deadline_at timestamptz,
    ADD COLUMN IF NOT EXISTS verified_at timestamptz,            -- 核查 passed
    ADD COLUMN IF NOT EXISTS rework_count smallint NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS cases_supervised_idx ON cases (supervise_due_at) WHERE supervised_at IS NOT NULL AND is_open;
CREATE INDEX IF NOT EXISTS cases_parked_idx ON cases (parked_at) WHERE parked_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS cases_department_open_idx ON cases (department_id, deadline_at) WHERE is_open;

-- The timeline names the step, not only the status (an urge leaves the status as it was).
ALTER TABLE case_events ADD COLUMN IF NOT EXISTS action text CHECK (action ~ '^[a-z_]+$');

-- The rules grow:
--   passed       for verify: the rule taken when the check passed (true) or failed (false);
--   needs        case columns that must be set for the rule to apply (an approval needs a request);
--   needs_unset  case columns that must be empty (one pending request at a time);
--   counts       a counter column the step adds one to (催办次数, 返工次数);
--   effect       a named statement (geodata/sql/case_effect_<effect>.sql) the step runs after the
--                status change, for what is more than a stamp (the deadline moved by an extension);
--   while_parked whether the rule applies to a parked case (only unparking and urging do).
ALTER TABLE case_transitions
    ADD COLUMN IF NOT EXISTS passed boolean,
    ADD COLUMN IF NOT EXISTS needs text[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS needs_unset text[] NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS counts text CHECK (counts IN ('urge_count', 'rework_count')),
    ADD COLUMN IF NOT EXISTS effect text CHECK (effect ~ '^[a-z_]+$'),
    ADD COLUMN IF NOT EXISTS while_parked boolean NOT NULL DEFAULT false;
ALTER TABLE case_transitions DROP CONSTRAINT IF EXISTS case_transitions_pkey;
ALTER TABLE case_transitions DROP CONSTRAINT IF EXISTS case_transitions_key;
ALTER TABLE case_transitions ADD CONSTRAINT case_transitions_key UNIQUE NULLS NOT DISTINCT (from_status, action, passed);
ALTER TABLE case_transitions DROP CONSTRAINT IF EXISTS case_transitions_stamps_check;
ALTER TABLE case_transitions ADD CONSTRAINT case_transitions_stamps_check CHECK (stamps IN (
    'dispatched_at', 'accepted_at', 'resolved_at', 'rated_at', 'closed_at', 'verified_at', 'urged_at'));
ALTER TABLE case_transitions DROP CONSTRAINT IF EXISTS case_transitions_columns_check;
ALTER TABLE case_transitions ADD CONSTRAINT case_transitions_columns_check CHECK (
    clears <@ ARRAY['accepted_at', 'resolved_at', 'verified_at']
    AND needs <@ ARRAY['verified_at', 'extension_until', 'park_requested_at', 'parked_at']
    AND needs_unset <@ ARRAY['verified_at', 'extension_until', 'park_requested_at', 'parked_at', 'supervised_at']);

-- 核查: a resolved case is checked; it may be rated and closed only after the check passed.
UPDATE case_transitions SET needs = '{verified_at}'
 WHERE from_status = 'resolved' AND action IN ('rate', 'close');
-- A reworked case is answered again (it was accepted before); a parked case is first unparked.
INSERT INTO case_transitions
    (from_status, action, to_status, requires, stamps, clears, passed, needs, needs_unset, counts, effect, while_parked, name, name_en)
SELECT s.code, a.action, s.code, a.requires, a.stamps, '{}', NULL, a.needs, a.needs_unset, a.counts, a.effect,
       a.while_parked, a.name, a.name_en
  FROM (VALUES ('reported'), ('dispatched'), ('accepted'), ('returned')) s (code)
  CROSS JOIN (VALUES
    ('urge',              '{note}'::text[],   'urged_at', '{}'::text[],          '{}'::text[],                      'urge_count', NULL,                true,  '催办',     'Urge'),
    ('supervise',         '{due}',            NULL,       '{}',                  '{supervised_at}',                 NULL,         'supervise',         false, '督办',     'Supervise'),
    ('park',              '{reason}',         NULL,       '{}',                  '{parked_at}',                     NULL,         'park',              false, '挂账',     'Park'),
    ('approve_park',      '{}',               NULL,       '{park_requested_at}', '{parked_at}',                     NULL,         'park',              false, '批准挂账', 'Approve parking'),
    ('deny_park',         '{note}',           NULL,       '{park_requested_at}', '{}',                              NULL,         'park_deny',         false, '驳回挂账', 'Deny parking'),
    ('unpark',            '{}',               NULL,       '{parked_at}',         '{}',                              NULL,         'unpark',            true,  '解除挂账', 'Unpark')
  ) a (action, requires, stamps, needs, needs_unset, counts, effect, while_parked, name, name_en)
ON CONFLICT ON CONSTRAINT case_transitions_key DO NOTHING;
-- What only the department handling the case asks for, once it has it.
INSERT INTO case_transitions
    (from_status, action, to_status, requires, stamps, clears, passed, needs, needs_unset, counts, effect, while_parked, name, name_en)
SELECT s.code, a.action, s.code, a.requires, NULL, '{}', NULL, a.needs, a.needs_unset, NULL, a.effect, false, a.name, a.name_en
  FROM (VALUES ('dispatched'), ('accepted')) s (code)
  CROSS JOIN (VALUES
    ('request_extension', '{until,reason}'::text[], '{}'::text[],         '{extension_until,park_requested_at}'::text[], 'extension_request', '申请延期', 'Request an extension'),
    ('approve_extension', '{}',                     '{extension_until}',  '{}',                                          'extension_approve', '批准延期', 'Approve the extension'),
    ('deny_extension',    '{note}',                 '{extension_until}',  '{}',                                          'extension_deny',    '驳回延期', 'Deny the extension'),
    ('request_park',      '{reason}',               '{}',                 '{park_requested_at,extension_until}',         'park_request',      '申请挂账', 'Request parking')
  ) a (action, requires, needs, needs_unset, effect, name, name_en)
ON CONFLICT ON CONSTRAINT case_transitions_key DO NOTHING;
INSERT INTO case_transitions
    (from_status, action, to_status, requires, stamps, clears, passed, needs, needs_unset, counts, effect, while_parked, name, name_en)
VALUES
    ('resolved', 'verify', 'resolved', '{passed}',      'verified_at', '{}',                         true,  '{}', '{verified_at}', NULL,           NULL, false, '核查通过', 'Verification passed'),
    ('resolved', 'verify', 'accepted', '{passed,note}', NULL,          '{resolved_at,verified_at}',  false, '{}', '{verified_at}', 'rework_count', NULL, false, '核查不通过 (返工)', 'Verification failed (rework)')
ON CONFLICT ON CONSTRAINT case_transitions_key DO NOTHING;

-- Who may take which step (users; API keys keep the rights their key was made with). An admin may
-- take every step.
CREATE TABLE IF NOT EXISTS case_action_roles (
    action text NOT NULL CHECK (action ~ '^[a-z_]+$'),
    role   text NOT NULL,
    PRIMARY KEY (action, role)
);
INSERT INTO case_action_roles (action, role) VALUES
    ('dispatch', 'dispatcher'), ('reject', 'dispatcher'), ('merge', 'dispatcher'), ('urge', 'dispatcher'),
    ('supervise', 'dispatcher'), ('approve_extension', 'dispatcher'), ('deny_extension', 'dispatcher'),
    ('park', 'dispatcher'), ('approve_park', 'dispatcher'), ('deny_park', 'dispatcher'), ('unpark', 'dispatcher'),
    ('rate', 'dispatcher'), ('close', 'dispatcher'),
    ('accept', 'department'), ('return', 'department'), ('resolve', 'department'),
    ('request_extension', 'department'), ('request_park', 'department'),
    ('verify', 'gridworker'), ('verify', 'verifier'),
    -- leaders watch, urge and supervise (督办) in their unit
    ('urge', 'city'), ('supervise', 'city'), ('urge', 'district'), ('supervise', 'district'),
    ('urge', 'street'), ('supervise', 'street'), ('urge', 'community')
ON CONFLICT DO NOTHING;
INSERT INTO case_action_roles (action, role)
SELECT DISTINCT action, 'admin' FROM case_transitions
ON CONFLICT DO NOTHING;

-- The working roles, and the department a department's handler works for.
ALTER TABLE users ADD COLUMN IF NOT EXISTS department_code text REFERENCES departments (code) ON UPDATE CASCADE;
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('city', 'district', 'street', 'community', 'analyst', 'admin',
                    'dispatcher', 'department', 'gridworker', 'verifier'));
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_department_check;
ALTER TABLE users ADD CONSTRAINT users_department_check CHECK ((role = 'department') = (department_code IS NOT NULL));

-- A department's row scope: the cases dispatched to it, wherever they are, with their events; the
-- checkpoints it answers for. Cameras are not a department's.
DROP POLICY IF EXISTS scope_department ON cases;
CREATE POLICY scope_department ON cases TO gridops_scope_department
    USING (department_id = current_setting('gridops.scope_id')::integer)
    WITH CHECK (department_id = current_setting('gridops.scope_id')::integer);
DROP POLICY IF EXISTS scope_department ON checkpoints;
CREATE POLICY scope_department ON checkpoints TO gridops_scope_department
    USING (department_id = current_setting('gridops.scope_id')::integer)
    WITH CHECK (department_id = current_setting('gridops.scope_id')::integer);
DO $$
DECLARE
    spec text[];
BEGIN
    FOREACH spec SLICE 1 IN ARRAY ARRAY[
        ARRAY['case_events', 'cases', 'case_id'],
        ARRAY['inspections', 'checkpoints', 'checkpoint_id'],
        ARRAY['inspection_results', 'inspections', 'inspection_id']
    ] LOOP
        EXECUTE format('DROP POLICY IF EXISTS scope_department ON %I', spec[1]);
        EXECUTE format('CREATE POLICY scope_department ON %I TO gridops_scope_department '
                       'USING (EXISTS (SELECT 1 FROM %I p WHERE p.id = %I.%I)) '
                       'WITH CHECK (EXISTS (SELECT 1 FROM %I p WHERE p.id = %I.%I))',
                       spec[1], spec[2], spec[1], spec[3], spec[2], spec[1], spec[3]);
    END LOOP;
END $$;
