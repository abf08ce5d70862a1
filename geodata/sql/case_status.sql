-- A case's status.
SELECT status FROM cases WHERE id = %(id)s
