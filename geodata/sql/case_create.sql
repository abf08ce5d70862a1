-- Take in one case: its deadline from the category's SLA hours, its units from its place (the
-- assign_unit_ids trigger), and the first event of its timeline. Returns the case in the shape of
-- case_list, plus its event, so that the answer needs no second query. It runs as a transaction
-- of its own (Database.one_trip), so it inserts nothing that it would have to take back: a
-- repeated (source, external id), an unknown category and a place outside every street office
-- all insert nothing and return no row (geodata/intake.py tells them apart).
WITH p AS (
    SELECT coalesce(%(reported_at)s::timestamptz, now()) AS at,
           ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom
), ins AS (
    INSERT INTO cases (source, external_id, category_code, status, description, address, geom,
                       reported_at, deadline_at, handled_online)
    SELECT %(source)s, %(external_id)s, k.code, 'reported', %(description)s, %(address)s,
           p.geom, p.at, p.at + make_interval(hours => k.sla_hours), %(handled_online)s
      FROM case_categories k, p
     WHERE k.code = %(category)s
       AND EXISTS (SELECT 1 FROM units s WHERE s.level = 'street' AND ST_Intersects(s.geom, p.geom))
    ON CONFLICT (source, external_id) DO NOTHING
    RETURNING *
), ev AS (
    INSERT INTO case_events (case_id, at, from_status, to_status, actor, note)
    SELECT id, reported_at, NULL, 'reported', %(actor)s, %(note)s FROM ins
    RETURNING id, at, from_status, to_status, actor, note
)
SELECT c.id, c.source, c.external_id, c.category_code, k.name AS category, c.status,
       st.name AS status_name, c.is_open, c.is_open AND c.deadline_at < now() AS overdue,
       c.description, c.address, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat,
       s.code AS street_code, s.name AS street, m.code AS community_code, m.name AS community,
       g.code AS grid_code, g.name AS grid, NULL::text AS department_code, NULL::text AS department,
       c.reported_at, c.dispatched_at, c.accepted_at, c.resolved_at, c.rated_at, c.closed_at,
       c.deadline_at, c.satisfaction, c.handled_online, c.reply, c.merged_into,
       ev.id AS event_id, ev.at AS event_at, ev.actor AS event_actor, ev.note AS event_note
  FROM ins c
  JOIN case_categories k ON k.code = c.category_code
  JOIN case_statuses st ON st.code = c.status
  LEFT JOIN ev ON true
  LEFT JOIN units s ON s.id = c.street_id
  LEFT JOIN units m ON m.id = c.community_id
  LEFT JOIN units g ON g.id = c.grid_id
