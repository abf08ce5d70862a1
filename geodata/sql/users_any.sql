-- Whether any user exists (the demo users are seeded into an empty table only).
SELECT EXISTS (SELECT 1 FROM users)
