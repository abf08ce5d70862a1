-- A case's status and what the rules' guards read (migration 0030), its row locked for the
-- transition that follows.
SELECT status, deadline_at, verified_at, extension_until, park_requested_at, parked_at, supervised_at
  FROM cases WHERE id = %(id)s FOR UPDATE
