-- The per-topic data versions; a dashboard refresh with no change stops here.
SELECT topic, version, changed_at FROM data_version ORDER BY topic
