-- Take in cases, one or many at once (geodata/cases/intake.py combines creates that arrive together):
-- each case's deadline from its category's SLA hours, its units from its place (the
-- assign_unit_ids trigger), and the first event of its timeline. Every parameter but note is an
-- array with one element per case, in the same order. Returns each new case in the shape of
-- case_list, plus its event, so that the answer needs no second query, and which element of the
-- arrays it was made from (asked, counted from 1). It runs as a transaction of its own
-- (Database.one_trip), so it inserts nothing that it would have to take back: a repeated
-- (source, external id) (its key in case_keys is taken), an unknown category and a place outside
-- every street office all insert nothing and return no row for that case (geodata/cases/intake.py
-- tells them apart). A key sent twice in one call is inserted once, from the first of its elements
-- that can be taken in.
WITH input AS (
    SELECT DISTINCT ON (i.source, i.external_id)
           i.source, i.external_id, k.code AS category, k.sla_hours, i.description, i.address,
           i.handled_online, i.actor, i.at, i.geom, i.n
      FROM (SELECT u.*, coalesce(u.reported_at, now()) AS at,
                   ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326) AS geom
              FROM unnest(%(source)s::text[], %(external_id)s::text[], %(category)s::text[],
                          %(description)s::text[], %(address)s::text[], %(lon)s::float8[],
                          %(lat)s::float8[], %(reported_at)s::timestamptz[],
                          %(handled_online)s::boolean[], %(actor)s::text[])
                   WITH ORDINALITY AS u (source, external_id, category, description, address, lon,
                                         lat, reported_at, handled_online, actor, n)) i
      JOIN case_categories k ON k.code = i.category
     WHERE EXISTS (SELECT 1 FROM units s WHERE s.parent_id IS NULL AND ST_Intersects(s.geom, i.geom))
     ORDER BY i.source, i.external_id, i.n  -- of a key sent twice, the first that can be taken in
), keys AS (  -- the key of each new case, taken first (case_keys is unique across every month of cases)
    INSERT INTO case_keys (id, source, external_id)
    SELECT nextval(pg_get_serial_sequence('cases', 'id')), p.source, p.external_id
      FROM input p
    ON CONFLICT (source, external_id) DO NOTHING
    RETURNING id, source, external_id
), ins AS (
    INSERT INTO cases (id, source, external_id, category_code, status, description, address, geom,
                       reported_at, deadline_at, handled_online)
    SELECT k.id, p.source, p.external_id, p.category, 'reported', p.description, p.address,
           p.geom, p.at, p.at + make_interval(hours => p.sla_hours), p.handled_online
      FROM input p
      JOIN keys k ON k.source = p.source AND k.external_id = p.external_id
    RETURNING *
), ev AS (
    INSERT INTO case_events (case_id, at, from_status, to_status, actor, note)
    SELECT c.id, c.reported_at, NULL, 'reported', p.actor, %(note)s
      FROM ins c
      JOIN input p ON p.source = c.source AND p.external_id = c.external_id
    RETURNING id, case_id, at, from_status, to_status, actor, note
)
SELECT p.n AS asked, c.id, c.source, c.external_id, c.category_code, k.name AS category, c.status,
       st.name AS status_name, c.is_open, case_overdue(c.is_open, c.deadline_at, now()) AS overdue,
       c.description, c.address, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat,
       y.code AS city_code, y.name AS city, r.code AS district_code, r.name AS district,
       s.code AS street_code, s.name AS street, m.code AS community_code, m.name AS community,
       g.code AS grid_code, g.name AS grid, NULL::text AS department_code, NULL::text AS department,
       c.reported_at, c.dispatched_at, c.accepted_at, c.resolved_at, c.rated_at, c.closed_at,
       c.deadline_at, c.satisfaction, c.handled_online, c.reply, c.merged_into,
       ev.id AS event_id, ev.at AS event_at, ev.actor AS event_actor, ev.note AS event_note
  FROM ins c
  JOIN case_categories k ON k.code = c.category_code
  JOIN case_statuses st ON st.code = c.status
  JOIN ev ON ev.case_id = c.id
  JOIN input p ON p.source = c.source AND p.external_id = c.external_id
  LEFT JOIN units y ON y.id = c.city_id
  LEFT JOIN units r ON r.id = c.district_id
  LEFT JOIN units s ON s.id = c.street_id
  LEFT JOIN units m ON m.id = c.community_id
  LEFT JOIN units g ON g.id = c.grid_id
