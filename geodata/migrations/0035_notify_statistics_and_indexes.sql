-- Statistics for the escalation columns added by 0034. Until the table is analysed the planner
-- guesses the share of escalated cases, and at city scale (10M cases) it chose a plan for the
-- wall's urgent list (wall_urgent.sql) that took 2.2-2.8 s instead of 3 ms. Analysing only these
-- columns samples the table once (a few seconds at city scale).
ANALYZE cases (escalation, escalated_at);

-- A case's history finds the users told of each step, and deleting a step (a case reloaded)
-- cascades to its notices: both by step. The notification centre lists a user's newest notices,
-- read or not.
CREATE INDEX IF NOT EXISTS user_notices_step_idx ON user_notices (step_id);
CREATE INDEX IF NOT EXISTS user_notices_user_idx ON user_notices (user_id, created_at DESC);
