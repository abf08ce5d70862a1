-- Sessions kept on the server (security round 2). The cookie carries a random session token;
-- only its SHA-256 is stored here. Sign-out, a password change, a disable or a rescope end a
-- user's sessions at once; an admin can list and end them. A wall display's session names its
-- wall token (never the token itself), and ends with it.
CREATE TABLE IF NOT EXISTS sessions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id       integer REFERENCES users (id) ON DELETE CASCADE,
    wall_token_id integer REFERENCES wall_tokens (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    seen_at       timestamptz NOT NULL DEFAULT now(),
    idle_until    timestamptz NOT NULL,  -- moved forward on use (at most every few minutes)
    ends_at       timestamptz NOT NULL,  -- absolute end, however busy the session is
    ip            inet,
    user_agent    text CHECK (length(user_agent) <= 300),
    ended_at      timestamptz,
    ended_why     text CHECK (ended_why IN ('sign_out', 'password', 'disabled', 'rescope', 'admin', 'revoked')),
    CHECK ((user_id IS NULL) <> (wall_token_id IS NULL))
);
CREATE INDEX IF NOT EXISTS sessions_user_live_idx ON sessions (user_id) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS sessions_wall_live_idx ON sessions (wall_token_id) WHERE ended_at IS NULL;

-- What an API key may do besides writing cases as its sources: 'transitions' lets it move any
-- case through the loop (a department's work-order system); without it a key moves only cases
-- of its own sources.
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS rights text[] NOT NULL DEFAULT '{}'
    CHECK (rights <@ ARRAY['transitions']::text[]);

-- A key's transition is recorded under the key's name; who the caller says it acted for is
-- kept beside it, marked as claimed (never checked).
ALTER TABLE case_events ADD COLUMN IF NOT EXISTS claimed_actor text CHECK (length(claimed_actor) <= 200);

-- The sign-in throttle counts failures per known device (a signed device cookie) as well as per
-- name and address.
CREATE INDEX IF NOT EXISTS audit_log_failed_device_idx ON audit_log ((detail ->> 'device'), at)
    WHERE action = 'sign_in_failed' AND detail ? 'device';

ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'sign_in', 'sign_in_failed', 'sign_out', 'export', 'import', 'case_create', 'case_transition', 'user_admin',
    'session_end'));

-- Every change to who may act is announced on commit: each app process listens and drops its
-- cached sessions, users and tokens, so a sign-out or a revocation holds in every worker at once.
CREATE OR REPLACE FUNCTION access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gridops_access', TG_TABLE_NAME);
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'sessions', 'api_keys', 'wall_tokens'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_access_changed', t);
        -- A session's use moves seen_at and idle_until: only its end is news.
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE %s OR DELETE ON %I FOR EACH STATEMENT '
                       'EXECUTE FUNCTION access_changed()', t || '_access_changed',
                       CASE WHEN t = 'sessions' THEN 'OF ended_at' ELSE '' END, t);
    END LOOP;
END $$;
