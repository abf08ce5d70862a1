-- Events and notifications (DESIGN §14, issue "events, reminders and escalation").
--
-- 1. Every committed change is announced on the channel gridops_changes, from the same statements
--    that bump the data versions. A change to cases names the units and departments it touched,
--    so that the push stream (geodata/events/) tells each viewer only of changes in its scope.
-- 2. Reminders, urges and escalations are rules kept as data; each step that fell due for a case,
--    each target told of it and each message sent (with its delivery result) is kept, and shown on
--    the case's timeline. Messages go out through configured channels (DingTalk, WeCom, Feishu,
--    a JSON webhook, e-mail, an SMS gateway), at most once each.

-- ---- 1. announcements --------------------------------------------------------------------------
-- Topics other than cases are announced whole (everyone who shows them redraws them).
CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = now() WHERE topic = TG_ARGV[0];
    IF TG_ARGV[0] <> 'cases' OR TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('gridops_changes', json_build_object('t', TG_ARGV[0])::text);
    END IF;
    RETURN NULL;
END $$;

-- A change to cases is announced with the ids it touched at each level and the departments. A
-- statement touching more than 64 streets is announced to everyone (a bulk load: the payload
-- must stay under NOTIFY's 8000 bytes). Identical payloads of one transaction are sent once.
CREATE OR REPLACE FUNCTION cases_announce_rows(touched jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF jsonb_array_length(coalesce(touched -> 'street', '[]')) > 64 THEN
        touched := '{}';
    END IF;
    PERFORM pg_notify('gridops_changes', (jsonb_build_object('t', 'cases') || touched)::text);
END $$;

CREATE OR REPLACE FUNCTION cases_announce() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    touched jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_strip_nulls(jsonb_build_object(
                   'city', jsonb_agg(DISTINCT city_id) FILTER (WHERE city_id IS NOT NULL),
                   'district', jsonb_agg(DISTINCT district_id) FILTER (WHERE district_id IS NOT NULL),
                   'street', jsonb_agg(DISTINCT street_id) FILTER (WHERE street_id IS NOT NULL),
                   'community', jsonb_agg(DISTINCT community_id) FILTER (WHERE community_id IS NOT NULL),
                   'department', jsonb_agg(DISTINCT department_id) FILTER (WHERE department_id IS NOT NULL)))
          INTO touched FROM new_rows;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT jsonb_strip_nulls(jsonb_build_object(
                   'city', jsonb_agg(DISTINCT city_id) FILTER (WHERE city_id IS NOT NULL),
                   'district', jsonb_agg(DISTINCT district_id) FILTER (WHERE district_id IS NOT NULL),
                   'street', jsonb_agg(DISTINCT street_id) FILTER (WHERE street_id IS NOT NULL),
                   'community', jsonb_agg(DISTINCT community_id) FILTER (WHERE community_id IS NOT NULL),
                   'department', jsonb_agg(DISTINCT department_id) FILTER (WHERE department_id IS NOT NULL)))
          INTO touched
          FROM (SELECT city_id, district_id, street_id, community_id, department_id FROM new_rows
                UNION SELECT city_id, district_id, street_id, community_id, department_id FROM old_rows) r;
    ELSE
        SELECT jsonb_strip_nulls(jsonb_build_object(
                   'city', jsonb_agg(DISTINCT city_id) FILTER (WHERE city_id IS NOT NULL),
                   'district', jsonb_agg(DISTINCT district_id) FILTER (WHERE district_id IS NOT NULL),
                   'street', jsonb_agg(DISTINCT street_id) FILTER (WHERE street_id IS NOT NULL),
                   'community', jsonb_agg(DISTINCT community_id) FILTER (WHERE community_id IS NOT NULL),
                   'department', jsonb_agg(DISTINCT department_id) FILTER (WHERE department_id IS NOT NULL)))
          INTO touched FROM old_rows;
    END IF;
    IF touched IS NOT NULL AND touched <> '{}' THEN
        PERFORM cases_announce_rows(touched);
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS cases_announce_insert ON cases;
CREATE TRIGGER cases_announce_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_announce();
DROP TRIGGER IF EXISTS cases_announce_update ON cases;
CREATE TRIGGER cases_announce_update AFTER UPDATE ON cases REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_announce();
DROP TRIGGER IF EXISTS cases_announce_delete ON cases;
CREATE TRIGGER cases_announce_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_announce();

-- ---- 2. escalation on the case -------------------------------------------------------------------
-- 0: handled where it is; 1: escalated to its street; 2: to its district (the top of the ladder).
-- Nullable-free with a constant default: adding it rewrites no row.
ALTER TABLE cases
    ADD COLUMN IF NOT EXISTS escalation smallint NOT NULL DEFAULT 0 CHECK (escalation BETWEEN 0 AND 2),
    ADD COLUMN IF NOT EXISTS escalated_at timestamptz;
CREATE INDEX IF NOT EXISTS cases_escalated_idx ON cases (escalated_at) WHERE escalation > 0 AND is_open;

-- ---- 3. the working calendar ---------------------------------------------------------------------
-- Days that differ from the calendar library's (chinesecalendar: the State Council's holidays and
-- 调休 working weekends): a local holiday, or next year's schedule before the library knows it.
CREATE TABLE IF NOT EXISTS work_calendar (
    day     date PRIMARY KEY,
    working boolean NOT NULL,
    name    text CHECK (length(name) <= 60)
);

-- ---- 4. channels, routes and rules ---------------------------------------------------------------
CREATE TABLE IF NOT EXISTS notify_channels (
    name           text PRIMARY KEY CHECK (name ~ '^[a-z0-9_-]{1,40}$'),
    kind           text NOT NULL CHECK (kind IN ('dingtalk', 'wecom', 'feishu', 'webhook', 'email', 'sms')),
    endpoint       text NOT NULL CHECK (length(endpoint) BETWEEN 1 AND 500),
    secret         text CHECK (length(secret) <= 500),            -- DingTalk / Feishu signing secret, SMS key
    options        jsonb NOT NULL DEFAULT '{}',                    -- per kind: mail from, SMS template, …
    quiet_from     time,                                           -- no message between quiet_from and quiet_to
    quiet_to       time,
    digest_minutes integer NOT NULL DEFAULT 10 CHECK (digest_minutes BETWEEN 0 AND 1440),
    enabled        boolean NOT NULL DEFAULT true,
    CHECK ((quiet_from IS NULL) = (quiet_to IS NULL))
);

-- Who is told through which channel. A route with no department and no unit is the default for
-- its target; a more specific one wins. The address (a phone, a mail box, a mobile to @) is the
-- route's, or for 'responsible' the unit's phone when the route has none.
CREATE TABLE IF NOT EXISTS notify_routes (
    id            integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    target        text NOT NULL CHECK (target IN ('department', 'responsible', 'dispatcher')),
    department_id integer REFERENCES departments (id) ON DELETE CASCADE,
    unit_id       integer REFERENCES units (id) ON DELETE CASCADE,
    channel       text NOT NULL REFERENCES notify_channels (name) ON DELETE CASCADE ON UPDATE CASCADE,
    address       text CHECK (length(address) <= 200),
    CHECK (department_id IS NULL OR target = 'department'),
    CHECK (unit_id IS NULL OR target = 'responsible')
);
CREATE UNIQUE INDEX IF NOT EXISTS notify_routes_key
    ON notify_routes (target, coalesce(department_id, 0), coalesce(unit_id, 0), channel, coalesce(address, ''));

-- The rules. A step applies to a case by its category, else its category's group (the code's first
-- two characters), else the default (both empty); and by the case's escalation (0 at its unit, 1
-- at the street, 2 at the district; empty: any).
--   remind    hours before the deadline
--   urge      hours after the deadline (0: at the deadline; 催办通知)
--   escalate  hours after the deadline, or after the last escalation, to the level above
-- working: the hours are working hours (the working calendar and GRIDOPS_WORK_HOURS).
CREATE TABLE IF NOT EXISTS notify_rules (
    id             integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    category_code  text REFERENCES case_categories (code) ON DELETE CASCADE,
    category_group text CHECK (category_group ~ '^[0-9A-Za-z]{2}$'),
    escalation     smallint CHECK (escalation BETWEEN 0 AND 2),
    step           text NOT NULL CHECK (step IN ('remind', 'urge', 'escalate')),
    hours          numeric(7, 2) NOT NULL CHECK (hours >= 0),
    working        boolean NOT NULL DEFAULT false,
    targets        text[] NOT NULL CHECK (targets <@ ARRAY['department', 'responsible', 'dispatcher']
                                          AND cardinality(targets) > 0),
    enabled        boolean NOT NULL DEFAULT true,
    CHECK (category_code IS NULL OR category_group IS NULL)
);
CREATE UNIQUE INDEX IF NOT EXISTS notify_rules_key
    ON notify_rules (coalesce(category_code, ''), coalesce(category_group, ''), coalesce(escalation, -1), step);

-- The shipped defaults, after common 12345 practice (DESIGN §12): remind 24 hours before the
-- deadline, urge at it, escalate to the street after 5 working days (40 working hours) past it and
-- to the district 5 working days after that.
INSERT INTO notify_rules (category_code, category_group, escalation, step, hours, working, targets)
VALUES (NULL, NULL, NULL, 'remind', 24, false, '{department}'),
       (NULL, NULL, NULL, 'urge', 0, false, '{department,dispatcher}'),
       (NULL, NULL, 0, 'escalate', 40, true, '{department,responsible,dispatcher}'),
       (NULL, NULL, 1, 'escalate', 40, true, '{department,responsible,dispatcher}')
ON CONFLICT DO NOTHING;

-- ---- 5. what fell due, who was told, what was sent -------------------------------------------------
-- A step that fell due for a case. Once per case, step, escalation and deadline: an extension
-- moves the deadline, and the new deadline has its own reminder.
CREATE TABLE IF NOT EXISTS notify_steps (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    rule_id     integer REFERENCES notify_rules (id) ON DELETE SET NULL,
    step        text NOT NULL CHECK (step IN ('remind', 'urge', 'escalate')),
    escalation  smallint NOT NULL,      -- the case's escalation when the step fell due
    deadline_at timestamptz NOT NULL,   -- the deadline the step was counted from
    due_at      timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (case_id, step, escalation, deadline_at)
);
CREATE INDEX IF NOT EXISTS notify_steps_case_idx ON notify_steps (case_id, due_at);

-- One message as sent (or to be sent) through one channel to one address. A storm is summarised:
-- every delivery waiting for the same channel and address goes into one message per interval.
-- state: pending (waiting for its send time), sending (handed to the channel; a worker killed now
-- leaves it here and it is never sent again: at most once), sent, failed (the channel refused it
-- after its retries), unknown (the send was cut off; it may have arrived).
CREATE TABLE IF NOT EXISTS notify_messages (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel    text NOT NULL REFERENCES notify_channels (name) ON DELETE CASCADE ON UPDATE CASCADE,
    address    text NOT NULL DEFAULT '',
    state      text NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'unknown')),
    send_after timestamptz NOT NULL,
    attempts   smallint NOT NULL DEFAULT 0,
    body       text,
    result     text CHECK (length(result) <= 500),
    created_at timestamptz NOT NULL DEFAULT now(),
    handed_at  timestamptz,             -- when it went to the channel (state sending)
    sent_at    timestamptz              -- when the channel answered
);
CREATE INDEX IF NOT EXISTS notify_messages_waiting_idx ON notify_messages (send_after) WHERE state = 'pending';
CREATE UNIQUE INDEX IF NOT EXISTS notify_messages_one_pending
    ON notify_messages (channel, address) WHERE state = 'pending';

-- Who was told of a step, and in which message.
CREATE TABLE IF NOT EXISTS notify_deliveries (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    step_id    bigint NOT NULL REFERENCES notify_steps (id) ON DELETE CASCADE,
    target     text NOT NULL CHECK (target IN ('department', 'responsible', 'dispatcher')),
    message_id bigint NOT NULL REFERENCES notify_messages (id) ON DELETE CASCADE,
    UNIQUE (step_id, target, message_id)
);
CREATE INDEX IF NOT EXISTS notify_deliveries_message_idx ON notify_deliveries (message_id);

-- The notification centre in the page header: what each user was told.
CREATE TABLE IF NOT EXISTS user_notices (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    step_id    bigint NOT NULL REFERENCES notify_steps (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    UNIQUE (user_id, step_id)
);
CREATE INDEX IF NOT EXISTS user_notices_unread_idx ON user_notices (user_id, created_at) WHERE read_at IS NULL;

-- Where the timed scan has got to (one row): steps fall due between its last time and now.
CREATE TABLE IF NOT EXISTS notify_scan (
    one        boolean PRIMARY KEY DEFAULT true CHECK (one),
    scanned_to timestamptz NOT NULL
);

-- The job queue's own schema (procrastinate's tables and functions) is applied by gridops setup from
-- the installed library (jobs/schema.py); this row names the last of its migrations applied.
CREATE TABLE IF NOT EXISTS job_queue_schema (
    one       boolean PRIMARY KEY DEFAULT true CHECK (one),
    migration text NOT NULL
);

-- The new audit action: channels and rules changed from the command line.
ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'sign_in', 'sign_in_failed', 'sign_out', 'export', 'import', 'case_create', 'case_transition', 'user_admin',
    'session_end', 'case_photo', 'rating_link', 'inspection', 'inspection_round', 'notify_admin'));
