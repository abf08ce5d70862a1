-- The overdue rule, once: a case is overdue when it is open and its deadline has passed (at
-- ``at``: now, or the end of a day). A plain SQL expression the planner inlines, so a query that
-- calls it uses the same indexes as the expression written out. The maintained counters derive
-- overdue from the same rule (open cases less the open cases not yet due: unit_values.sql).
CREATE OR REPLACE FUNCTION case_overdue(is_open boolean, deadline_at timestamptz, at timestamptz)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT is_open AND deadline_at < at $$;
