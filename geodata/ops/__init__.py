"""Running the database: the embedded cluster, set-up and migrations."""
