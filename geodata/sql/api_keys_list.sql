-- Every API key, never the key itself.
SELECT prefix, name, sources, rights, created_at, revoked_at FROM api_keys ORDER BY id
