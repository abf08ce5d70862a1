-- Live pages' tick answers, shared by the server's processes (callbacks/shared_ticks.py). After a
-- change, every open screen of a scope asks the same; the first process to ask computes the answer
-- and keeps it here under its key for the others' processes. Unlogged (a cache: lost in a crash or
-- a failover, written without WAL); rows older than a few minutes are removed as new ones come.
-- The key is derived on the server from the request and the asker's scope; the body is the answer
-- exactly as that scope's screens receive it.
CREATE UNLOGGED TABLE IF NOT EXISTS tick_answers (
    key      text PRIMARY KEY,
    status   smallint NOT NULL,
    mimetype text NOT NULL,
    body     bytea NOT NULL,
    made_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS tick_answers_made_idx ON tick_answers (made_at);
