-- The case already taken in under this source and external id, if any.
SELECT id FROM cases WHERE source = %(source)s AND external_id = %(external_id)s
