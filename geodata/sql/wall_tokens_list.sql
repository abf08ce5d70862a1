-- Every wall token, never the token itself.
SELECT prefix, name, scope_code, created_at, revoked_at FROM wall_tokens ORDER BY id
