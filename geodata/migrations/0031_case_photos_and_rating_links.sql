-- Photos of a case (before and after, DESIGN §12) and the citizen's one-time rating link (群众评单).
--
-- A photo's bytes live in the photo store (geodata/storage.py: a folder under the data directory,
-- or an S3-compatible bucket); the row keeps where, what was checked, and who sent it. A photo is
-- visible exactly when its case is: its policies ask the case's own policy (as case_events do).
CREATE TABLE IF NOT EXISTS case_photos (
    id bigserial PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    stage text NOT NULL CHECK (stage IN ('report', 'before', 'after', 'verify')),
    store_key text NOT NULL UNIQUE CHECK (store_key ~ '^[a-z0-9/._-]{1,200}$'),
    thumb_key text NOT NULL UNIQUE CHECK (thumb_key ~ '^[a-z0-9/._-]{1,200}$'),
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    width integer NOT NULL CHECK (width > 0),
    height integer NOT NULL CHECK (height > 0),
    bytes integer NOT NULL CHECK (bytes > 0),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    -- The place the camera wrote into the photo (EXIF GPS), WGS84: a hint for the operator only,
    -- never the case's place.
    place_hint geometry(Point, 4326),
    taken_at timestamptz,
    uploaded_by text NOT NULL CHECK (length(uploaded_by) BETWEEN 1 AND 200),
    uploaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS case_photos_case_idx ON case_photos (case_id, id);
-- "My reports" on the phone page: the first event of a case names who reported it.
CREATE INDEX IF NOT EXISTS case_events_reporter_idx ON case_events (actor, case_id) WHERE from_status IS NULL;


-- 群众评单: a resolved, verified case gets a link a hotline or an SMS gateway sends to the citizen.
-- Only the token's SHA-256 is kept, so the table cannot give a link away. A link is used once;
-- issuing a new one for the case ends the earlier one.
CREATE TABLE IF NOT EXISTS rating_links (
    token_sha256 text PRIMARY KEY CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    case_id bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    issued_by text NOT NULL CHECK (length(issued_by) BETWEEN 1 AND 200),
    issued_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    ended_at timestamptz,
    satisfaction smallint CHECK (satisfaction BETWEEN 1 AND 5),
    comment text CHECK (length(comment) <= 500)
);
CREATE INDEX IF NOT EXISTS rating_links_case_idx ON rating_links (case_id);

-- Both tables are visible exactly where their case is.
DO $$
DECLARE
    t text;
    r text;
BEGIN
    FOREACH t IN ARRAY ARRAY['case_photos', 'rating_links'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        FOREACH r IN ARRAY ARRAY['all', 'city', 'district', 'street', 'community', 'department'] LOOP
            EXECUTE format('DROP POLICY IF EXISTS %I ON %I', 'scope_' || r, t);
            EXECUTE format('CREATE POLICY %I ON %I TO %I '
                           'USING (EXISTS (SELECT 1 FROM cases p WHERE p.id = %I.case_id)) '
                           'WITH CHECK (EXISTS (SELECT 1 FROM cases p WHERE p.id = %I.case_id))',
                           'scope_' || r, t, 'gridops_scope_' || r, t, t);
        END LOOP;
    END LOOP;
END $$;

-- Who sent which photo, and who issued which rating link, is audited.
ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check CHECK (action IN (
    'sign_in', 'sign_in_failed', 'sign_out', 'export', 'import', 'case_create', 'case_transition', 'user_admin',
    'session_end', 'case_photo', 'rating_link'));
