-- A tick answer kept by the server's processes (callbacks/shared_ticks.py), or the right to make it:
-- the first to ask inserts the key without an answer (status 0) and computes it; anybody else gets
-- the row as it stands (status 0: being computed elsewhere, ask again shortly).
WITH claim AS (
    INSERT INTO tick_answers (key, status, mimetype, body) VALUES (%(key)s, 0, '', '')
    ON CONFLICT (key) DO NOTHING
    RETURNING key
)
SELECT true AS mine, NULL::smallint AS status, NULL::text AS mimetype, NULL::bytea AS body FROM claim
UNION ALL
SELECT false, status, mimetype, body FROM tick_answers WHERE key = %(key)s AND NOT EXISTS (SELECT 1 FROM claim)
