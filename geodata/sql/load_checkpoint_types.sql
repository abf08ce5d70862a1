-- Checkpoint types, matched by code or name.
SELECT code, name, name_en FROM checkpoint_types ORDER BY code
