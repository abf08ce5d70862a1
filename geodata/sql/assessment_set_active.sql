-- Make %(code)s the active scheme of a grouping; the scheme it replaces is returned (NULL: none was set).
WITH old AS (SELECT scheme FROM assessment_active WHERE level = %(level)s)
INSERT INTO assessment_active AS a (level, scheme, changed_at, changed_by)
VALUES (%(level)s, %(code)s, now(), %(actor)s)
ON CONFLICT (level) DO UPDATE SET scheme = excluded.scheme, changed_at = excluded.changed_at,
                                  changed_by = excluded.changed_by
RETURNING (SELECT scheme FROM old) AS previous
