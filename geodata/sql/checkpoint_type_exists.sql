-- Whether a checkpoint type exists.
SELECT 1 FROM checkpoint_types WHERE code = %(code)s
