-- A case's status, its row locked for the transition that follows.
SELECT status FROM cases WHERE id = %(id)s FOR UPDATE
