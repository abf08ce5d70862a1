-- Read-only tokens of unattended wall displays: each is scoped to one unit and revocable. Only a
-- SHA-256 of each token is stored (python -m geodata.walltokens create).
CREATE TABLE IF NOT EXISTS wall_tokens (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prefix      text NOT NULL UNIQUE CHECK (prefix ~ '^[0-9a-f]{8}$'),
    key_hash    bytea NOT NULL CHECK (length(key_hash) = 32),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scope_code  text NOT NULL CHECK (scope_code ~ '^[A-Za-z0-9_-]{1,40}$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
