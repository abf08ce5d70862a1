-- A new rating link for a case; the case's earlier unused links end with it.
WITH ended AS (
    UPDATE rating_links SET ended_at = now()
     WHERE case_id = %(case_id)s AND used_at IS NULL AND ended_at IS NULL
)
INSERT INTO rating_links (token_sha256, case_id, issued_by, expires_at)
VALUES (%(digest)s, %(case_id)s, %(actor)s, %(expires)s)
