-- Which role may take which step (migration 0030).
SELECT action, role FROM case_action_roles ORDER BY action, role
