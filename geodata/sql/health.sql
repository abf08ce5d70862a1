-- What /healthz reports besides reachability.
SELECT (SELECT coalesce(max(version), 0) FROM schema_migrations) AS schema_version,
       (SELECT coalesce(sum(version), 0) FROM data_version) AS data_version
