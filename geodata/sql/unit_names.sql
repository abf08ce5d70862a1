-- Code, name and level of the given units (breadcrumbs, rankings).
SELECT id, code, name, level, kind FROM units WHERE id = ANY(%(ids)s)
