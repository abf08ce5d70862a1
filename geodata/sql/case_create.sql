-- Take in one case: its deadline from the category's SLA hours, its units from its place (the
-- assign_unit_ids trigger), and the first event of its timeline. A repeated (source, external
-- id) inserts nothing and returns no row; a case outside every street gets no event and is
-- rolled back by the caller.
WITH p AS (
    SELECT coalesce(%(reported_at)s::timestamptz, now()) AS at
), ins AS (
    INSERT INTO cases (source, external_id, category_code, status, description, address, geom,
                       reported_at, deadline_at, handled_online)
    SELECT %(source)s, %(external_id)s, k.code, 'reported', %(description)s, %(address)s,
           ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), p.at,
           p.at + make_interval(hours => k.sla_hours), %(handled_online)s
      FROM case_categories k, p
     WHERE k.code = %(category)s
    ON CONFLICT (source, external_id) DO NOTHING
    RETURNING id, street_id, reported_at
), ev AS (
    INSERT INTO case_events (case_id, at, from_status, to_status, actor, note)
    SELECT id, reported_at, NULL, 'reported', %(actor)s, %(note)s FROM ins WHERE street_id IS NOT NULL
)
SELECT id, street_id FROM ins
