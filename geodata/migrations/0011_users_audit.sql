-- Users with a role and a scope (分级授权), and the audit log of who did what.
-- The scope is a unit code, not an id: codes are stable when a city is loaded again.
CREATE TABLE IF NOT EXISTS users (
    id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.-]{2,40}$'),
    display_name  text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('district', 'street', 'community', 'analyst', 'admin')),
    scope_code    text NOT NULL CHECK (scope_code ~ '^[A-Za-z0-9_-]{1,40}$'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled_at   timestamptz
);

CREATE TABLE IF NOT EXISTS audit_log (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at     timestamptz NOT NULL DEFAULT now(),
    actor  text NOT NULL,  -- a username, "key:<prefix>" for an API key, or the name tried at a failed sign-in
    action text NOT NULL CHECK (action IN ('sign_in', 'sign_in_failed', 'sign_out', 'export', 'import',
                                           'case_create', 'case_transition', 'user_admin')),
    ip     inet,
    detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS audit_log_at_idx ON audit_log (at);
-- Rate limiting reads the recent failures of one name or one address.
CREATE INDEX IF NOT EXISTS audit_log_failed_actor_idx ON audit_log (actor, at) WHERE action = 'sign_in_failed';
CREATE INDEX IF NOT EXISTS audit_log_failed_ip_idx ON audit_log (ip, at) WHERE action = 'sign_in_failed';
