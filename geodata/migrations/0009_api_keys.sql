-- Keys for the intake API (/api/v1, /open311/v2). Only a SHA-256 of each key is stored; the key
-- itself is shown once, when it is made (python -m geodata.apikeys create).
CREATE TABLE IF NOT EXISTS api_keys (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prefix      text NOT NULL UNIQUE CHECK (prefix ~ '^[0-9a-f]{8}$'),
    key_hash    bytea NOT NULL CHECK (length(key_hash) = 32),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- The case sources this key may write as (12345 hotline, citizen app, grid patrol …).
    sources     text[] NOT NULL CHECK (cardinality(sources) > 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
