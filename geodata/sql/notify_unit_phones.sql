SELECT id, phone FROM units WHERE id = ANY(%(ids)s) AND phone IS NOT NULL AND phone <> ''
