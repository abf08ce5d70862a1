-- Cases partitioned by report month (issue 28), migrated in place.
--
-- * cases becomes a table partitioned by RANGE (reported_at): one partition per month of China
--   Standard Time (cases_yYYYYmMM), made from the oldest case's month to three months ahead, and
--   cases_default for a time no partition holds yet (an intake of a case reported years ago).
--   case_partitions_ensure(first, last) makes months ahead of time (the job worker, monthly) or for
--   a history import; it moves rows the default holds for a new month into it. An old month is
--   detached for archiving with gridops cases archive (docs/scaling.md).
-- * A key of a partitioned table must hold the partition column, so the primary key becomes
--   (id, reported_at), and the identity of a case, (source, external_id) -> id, moves to case_keys:
--   one row per case, unique on both. The case tables' foreign keys (events, photos, rating links,
--   inspection results, notification steps, merged into) point at case_keys(id); deleting a case
--   deletes its key (a trigger), which deletes what hangs on it, as before. An insert into cases
--   takes its key there (case_create.sql and the loaders take it first, to ask ON CONFLICT; the
--   cases_keys_insert trigger takes the others').
-- * Everything else is carried over as it was, read from the catalog before the move: check
--   constraints, generated columns, indexes, triggers, row-level security policies (those of
--   cases and of the tables whose policies read cases), foreign keys to units and codes.
-- * Partitions are reached through cases only: the app roles get no privilege on them
--   (geodata/ops/setup.py), so row-level security, which holds on cases, cannot be walked around.

CREATE TEMP TABLE _carry (n serial, ddl text NOT NULL) ON COMMIT DROP;

-- 1. What to carry over, as DDL naming cases (read before the rename, so it names cases).
INSERT INTO _carry (ddl)
SELECT pg_get_indexdef(i.indexrelid)
  FROM pg_index i
 WHERE i.indrelid = 'cases'::regclass
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
 ORDER BY i.indexrelid;

INSERT INTO _carry (ddl)
SELECT format('ALTER TABLE cases ADD CONSTRAINT %I %s', conname, pg_get_constraintdef(oid))
  FROM pg_constraint
 WHERE conrelid = 'cases'::regclass AND contype = 'f' AND confrelid <> 'cases'::regclass
 ORDER BY conname;

INSERT INTO _carry (ddl)
SELECT pg_get_triggerdef(oid)
  FROM pg_trigger
 WHERE tgrelid = 'cases'::regclass AND NOT tgisinternal
 ORDER BY tgname;

CREATE TEMP TABLE _policies ON COMMIT DROP AS
SELECT p.schemaname, p.tablename, p.policyname, p.permissive, p.roles, p.cmd, p.qual, p.with_check
  FROM pg_policies p
 WHERE p.schemaname = 'public'
   AND (p.tablename = 'cases'
        OR EXISTS (SELECT 1 FROM pg_depend d JOIN pg_policy y ON y.oid = d.objid
                    WHERE d.classid = 'pg_policy'::regclass AND d.refobjid = 'cases'::regclass
                      AND y.polname = p.policyname AND y.polrelid = format('%I.%I', p.schemaname, p.tablename)::regclass));

INSERT INTO _carry (ddl)
SELECT format('CREATE POLICY %I ON %I.%I AS %s FOR %s TO %s%s%s', policyname, schemaname, tablename, permissive,
              cmd, (SELECT string_agg(quote_ident(r), ', ') FROM unnest(roles) r),
              CASE WHEN qual IS NOT NULL THEN format(' USING (%s)', qual) ELSE '' END,
              CASE WHEN with_check IS NOT NULL THEN format(' WITH CHECK (%s)', with_check) ELSE '' END)
  FROM _policies
 ORDER BY tablename, policyname;

-- 2. Take the old table out of the way: what reads it or points at it goes (and comes back at 5).
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT tablename, policyname FROM _policies LOOP
        EXECUTE format('DROP POLICY %I ON %I', r.policyname, r.tablename);
    END LOOP;
    FOR r IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
              WHERE confrelid = 'cases'::regclass AND contype = 'f' LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
    END LOOP;
    FOR r IN SELECT tgname FROM pg_trigger WHERE tgrelid = 'cases'::regclass AND NOT tgisinternal LOOP
        EXECUTE format('DROP TRIGGER %I ON cases', r.tgname);
    END LOOP;
    FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = 'cases'::regclass AND contype IN ('p', 'u', 'f') LOOP
        EXECUTE format('ALTER TABLE cases DROP CONSTRAINT %I', r.conname);
    END LOOP;
    FOR r IN SELECT indexrelid::regclass AS idx FROM pg_index WHERE indrelid = 'cases'::regclass LOOP
        EXECUTE format('DROP INDEX %s', r.idx);
    END LOOP;
END $$;

ALTER TABLE cases RENAME TO cases_unpartitioned;
ALTER SEQUENCE cases_id_seq RENAME TO cases_unpartitioned_id_seq;

-- 3. The partitioned table, its keys and its months.
CREATE TABLE cases (LIKE cases_unpartitioned INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING IDENTITY
                    INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)
    PARTITION BY RANGE (reported_at);
ALTER TABLE cases ADD CONSTRAINT cases_pkey PRIMARY KEY (id, reported_at);
COMMENT ON TABLE cases IS 'Citizen cases, partitioned by report month (China Standard Time); the identity of a case is case_keys';

CREATE TABLE case_keys (
    id bigint PRIMARY KEY,
    source text NOT NULL REFERENCES case_sources (code),
    external_id text NOT NULL,
    CONSTRAINT case_keys_source_external_id_key UNIQUE (source, external_id)
);
COMMENT ON TABLE case_keys IS 'One row per case: its id and its (source, external id), unique across every month of cases';

CREATE TABLE cases_default PARTITION OF cases DEFAULT;

-- The first instant of a month of China Standard Time, and the partition name of that month.
CREATE FUNCTION case_month_start(month date) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (date_trunc('month', month)::date)::timestamp AT TIME ZONE 'Asia/Shanghai';

CREATE FUNCTION case_partition_name(month date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN 'cases_y' || to_char(month, 'YYYY') || 'm' || to_char(month, 'MM');

-- Make the monthly partitions from the month of first to the month of last (China Standard Time)
-- that do not exist yet; return how many were made. Rows that cases_default holds for a new month
-- move into it (directly, partition to partition: the counters and the event stream see no change,
-- as none happened). Runs as the owner of cases, so the job worker may call it.
CREATE FUNCTION case_partitions_ensure(first timestamptz, last timestamptz) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    month date;
    name text;
    lo timestamptz;
    hi timestamptz;
    cols text;
    made integer := 0;
BEGIN
    IF first IS NULL OR last IS NULL OR last < first THEN
        RETURN 0;
    END IF;
    IF last - first > interval '100 years' THEN
        RAISE EXCEPTION 'case_partitions_ensure: % to % spans more than 100 years; check the times', first, last;
    END IF;
    FOR month IN SELECT generate_series(date_trunc('month', first AT TIME ZONE 'Asia/Shanghai'),
                                        date_trunc('month', last AT TIME ZONE 'Asia/Shanghai'),
                                        interval '1 month')::date LOOP
        name := case_partition_name(month);
        CONTINUE WHEN to_regclass(name) IS NOT NULL;
        lo := case_month_start(month);
        hi := case_month_start((month + interval '1 month')::date);
        IF EXISTS (SELECT 1 FROM cases_default WHERE reported_at >= lo AND reported_at < hi) THEN
            SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
              FROM pg_attribute
             WHERE attrelid = 'cases'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
            EXECUTE format('CREATE TABLE %I (LIKE cases INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS)', name);
            EXECUTE format('INSERT INTO %I (%s) SELECT %s FROM cases_default WHERE reported_at >= %L AND reported_at < %L',
                           name, cols, cols, lo, hi);
            EXECUTE format('DELETE FROM cases_default WHERE reported_at >= %L AND reported_at < %L', lo, hi);
            EXECUTE format('ALTER TABLE cases ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
        ELSE
            EXECUTE format('CREATE TABLE %I PARTITION OF cases FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
        END IF;
        made := made + 1;
    END LOOP;
    RETURN made;
END $$;

SELECT case_partitions_ensure(coalesce(min(reported_at), now()), now() + interval '3 months') FROM cases_unpartitioned;

-- 4. The rows, then their indexes (built once per partition from sorted rows).
DO $$
DECLARE
    cols text;
BEGIN
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
      FROM pg_attribute
     WHERE attrelid = 'cases'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
    EXECUTE format('INSERT INTO cases (%s) SELECT %s FROM cases_unpartitioned', cols, cols);
END $$;
INSERT INTO case_keys (id, source, external_id) SELECT id, source, external_id FROM cases_unpartitioned;
SELECT setval(pg_get_serial_sequence('cases', 'id'), coalesce((SELECT max(id) FROM case_keys), 0) + 1, false);
DROP TABLE cases_unpartitioned;

-- 5. Indexes, foreign keys, triggers and policies as they were, then the keys' foreign keys.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT ddl FROM _carry ORDER BY n LOOP
        EXECUTE r.ddl;
    END LOOP;
END $$;
ALTER TABLE cases ENABLE ROW LEVEL SECURITY;

-- Checked at commit: the key of a case merged into one inserted by the same statement is taken
-- at the statement's end (cases_keys_insert), after row-level checks would run.
ALTER TABLE cases ADD CONSTRAINT cases_merged_into_fkey FOREIGN KEY (merged_into) REFERENCES case_keys (id)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE case_events ADD CONSTRAINT case_events_case_id_fkey
    FOREIGN KEY (case_id) REFERENCES case_keys (id) ON DELETE CASCADE;
ALTER TABLE case_photos ADD CONSTRAINT case_photos_case_id_fkey
    FOREIGN KEY (case_id) REFERENCES case_keys (id) ON DELETE CASCADE;
ALTER TABLE rating_links ADD CONSTRAINT rating_links_case_id_fkey
    FOREIGN KEY (case_id) REFERENCES case_keys (id) ON DELETE CASCADE;
ALTER TABLE inspection_results ADD CONSTRAINT inspection_results_case_id_fkey
    FOREIGN KEY (case_id) REFERENCES case_keys (id) ON DELETE SET NULL;
ALTER TABLE notify_steps ADD CONSTRAINT notify_steps_case_id_fkey
    FOREIGN KEY (case_id) REFERENCES case_keys (id) ON DELETE CASCADE;

-- 6. case_keys kept with cases. An insert takes the keys its cases do not have yet (a key taken
--    first must be the same case's); a delete gives them back, which cascades to what hangs on
--    them; a truncate of cases alone empties them too. A case keeps its source and external id.
CREATE FUNCTION cases_keys_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO case_keys (id, source, external_id)
    SELECT id, source, external_id FROM new_rows
    ON CONFLICT (id) DO NOTHING;
    IF EXISTS (SELECT 1 FROM new_rows n JOIN case_keys k USING (id)
                WHERE (k.source, k.external_id) IS DISTINCT FROM (n.source, n.external_id)) THEN
        RAISE unique_violation USING
            MESSAGE = 'a case id is already the key of another (source, external id)',
            CONSTRAINT = 'case_keys_pkey';
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION cases_keys_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    DELETE FROM case_keys k USING old_rows o WHERE k.id = o.id;
    RETURN NULL;
END $$;

CREATE FUNCTION cases_keys_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    DELETE FROM case_keys;
    RETURN NULL;
END $$;

CREATE FUNCTION cases_keys_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.source, NEW.external_id) IS DISTINCT FROM (OLD.id, OLD.source, OLD.external_id) THEN
        RAISE EXCEPTION 'a case keeps its id, source and external id (case %)', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER cases_keys_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_keys_insert();
CREATE TRIGGER cases_keys_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION cases_keys_delete();
CREATE TRIGGER cases_keys_truncate AFTER TRUNCATE ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION cases_keys_truncate();
CREATE TRIGGER cases_keys_fixed BEFORE UPDATE OF id, source, external_id ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_keys_fixed();

ANALYZE cases;
ANALYZE case_keys;
