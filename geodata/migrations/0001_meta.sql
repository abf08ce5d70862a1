-- Extensions and the data version that dashboards poll (DESIGN §6: a cheap change check).
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE IF NOT EXISTS data_version (
    topic      text PRIMARY KEY,
    version    bigint NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO data_version (topic)
VALUES ('units'), ('cameras'), ('checkpoints'), ('cases')
ON CONFLICT (topic) DO NOTHING;

-- Statement-level trigger body: one row update per statement, visible only on commit,
-- so a reader never sees a new version before the data that caused it.
CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET version = version + 1, changed_at = now() WHERE topic = TG_ARGV[0];
    RETURN NULL;
END $$;
