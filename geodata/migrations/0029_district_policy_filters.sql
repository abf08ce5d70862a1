-- The city and district policies of 0028 as plain filters, never index conditions. A district is
-- a sixth of a city of six: planned as an index condition (its value comes from a setting, so the
-- planner guesses its selectivity), the policy was ANDed as a bitmap of a million index entries
-- into every read by time range, and a district's KPIs took 430 ms where the same reads without
-- row-level security took 116 ms (10M cases, 2 cores). The reads name their unit themselves
-- wherever its index helps (geodata/db.py: Database.row_scope), so the policy only checks rows.
-- The street and community policies (0013) stay index conditions: their units are small.
DO $$
DECLARE
    t text;
    lv text;
BEGIN
    FOREACH t IN ARRAY ARRAY['cases', 'cameras', 'checkpoints'] LOOP
        FOREACH lv IN ARRAY ARRAY['city', 'district'] LOOP
            EXECUTE format('DROP POLICY IF EXISTS %I ON %I', 'scope_' || lv, t);
            EXECUTE format('CREATE POLICY %I ON %I TO %I '
                           'USING (%I + 0 = current_setting(''gridops.scope_id'')::integer) '
                           'WITH CHECK (%I + 0 = current_setting(''gridops.scope_id'')::integer)',
                           'scope_' || lv, t, 'gridops_scope_' || lv, lv || '_id', lv || '_id');
        END LOOP;
    END LOOP;
END $$;
