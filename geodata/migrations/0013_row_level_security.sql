-- Row-level security (DESIGN §8, 分级授权): facts are visible by the integer unit ids only, never
-- by geometry (PostGIS functions are not leakproof and would defeat the indexes).
--
-- The app role sees nothing by itself. Per transaction the app switches (SET LOCAL ROLE) to
--   gridops_scope_all        the whole territory (district, analysts, admins, API keys),
--   gridops_scope_street     the street office in set_config('gridops.scope_id', …, true),
--   gridops_scope_community  the community in the same setting,
-- and every query then sees only its rows. The table owner (migrations, bulk loads) is exempt.
-- Units, counters, reference data and the audit log carry no personal data and stay readable.
DO $$
BEGIN
    IF (SELECT count(*) FROM pg_roles WHERE rolname IN
            ('gridops_scope_all', 'gridops_scope_street', 'gridops_scope_community')) < 3 THEN
        RAISE EXCEPTION 'row-level security needs the NOLOGIN roles gridops_scope_all, gridops_scope_street and '
            'gridops_scope_community, each granted to the app role and given its table rights: '
            'see the README section "Row-level security" (python -m geodata.setup makes them on the embedded cluster)';
    END IF;
END $$;

-- Tables that carry their units' ids.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['cases', 'cameras', 'checkpoints'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS scope_all ON %I', t);
        EXECUTE format('CREATE POLICY scope_all ON %I TO gridops_scope_all USING (true) WITH CHECK (true)', t);
        EXECUTE format('DROP POLICY IF EXISTS scope_street ON %I', t);
        EXECUTE format('CREATE POLICY scope_street ON %I TO gridops_scope_street '
                       'USING (street_id = current_setting(''gridops.scope_id'')::integer) '
                       'WITH CHECK (street_id = current_setting(''gridops.scope_id'')::integer)', t);
        EXECUTE format('DROP POLICY IF EXISTS scope_community ON %I', t);
        EXECUTE format('CREATE POLICY scope_community ON %I TO gridops_scope_community '
                       'USING (community_id = current_setting(''gridops.scope_id'')::integer) '
                       'WITH CHECK (community_id = current_setting(''gridops.scope_id'')::integer)', t);
    END LOOP;
END $$;

-- Tables that hang off those: a row is visible when its parent row is (the parent's own policy
-- applies inside the EXISTS).
DO $$
DECLARE
    spec text[];
BEGIN
    FOREACH spec SLICE 1 IN ARRAY ARRAY[
        ARRAY['case_events', 'cases', 'case_id'],
        ARRAY['camera_events', 'cameras', 'camera_id'],
        ARRAY['inspections', 'checkpoints', 'checkpoint_id'],
        ARRAY['inspection_results', 'inspections', 'inspection_id']
    ] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', spec[1]);
        EXECUTE format('DROP POLICY IF EXISTS scope_all ON %I', spec[1]);
        EXECUTE format('CREATE POLICY scope_all ON %I TO gridops_scope_all USING (true) WITH CHECK (true)', spec[1]);
        EXECUTE format('DROP POLICY IF EXISTS scope_part ON %I', spec[1]);
        EXECUTE format('CREATE POLICY scope_part ON %I TO gridops_scope_street, gridops_scope_community '
                       'USING (EXISTS (SELECT 1 FROM %I p WHERE p.id = %I.%I)) '
                       'WITH CHECK (EXISTS (SELECT 1 FROM %I p WHERE p.id = %I.%I))',
                       spec[1], spec[2], spec[1], spec[3], spec[2], spec[1], spec[3]);
    END LOOP;
END $$;
