-- case_keys.source needs no foreign key of its own (issue 28): every key is a case's, and cases
-- checks its source against case_sources. A bulk load takes a million keys without a million
-- lookups.
ALTER TABLE case_keys DROP CONSTRAINT case_keys_source_fkey;
