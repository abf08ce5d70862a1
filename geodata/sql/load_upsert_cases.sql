-- Cases by (source, external id): new ones inserted, changed ones updated, equal ones left alone.
-- Each new case and each status change gets a case_events row (every CTE sees the rows as they
-- were before the statement, so "old" holds the previous status). New cases take their keys in
-- case_keys first (ON CONFLICT there: cases is partitioned by month and has no key of its own on
-- (source, external id)). Without %(insert_new)s only existing cases are updated. Returns
-- (inserted, updated).
WITH old AS (
    SELECT c.id, c.status
      FROM load_stage_cases s
      JOIN case_keys k ON k.source = s.source AND k.external_id = s.external_id
      JOIN cases c ON c.id = k.id
), keys AS (
    INSERT INTO case_keys (id, source, external_id)
    SELECT nextval(pg_get_serial_sequence('cases', 'id')), s.source, s.external_id
      FROM load_stage_cases s
     WHERE %(insert_new)s  -- a bulk load writes its new cases month by month (geodata/load/months.py)
    ON CONFLICT (source, external_id) DO NOTHING
    RETURNING id, source, external_id
), upd AS (
    UPDATE cases c SET
        category_code = s.category_code, status = s.status, description = s.description, address = s.address,
        geom = s.geom, city_id = s.city_id, district_id = s.district_id, street_id = s.street_id, community_id = s.community_id, grid_id = s.grid_id, micro_id = s.micro_id,
        exclusive_grid_id = s.exclusive_grid_id, department_id = s.department_id, reported_at = s.reported_at,
        dispatched_at = s.dispatched_at, accepted_at = s.accepted_at, resolved_at = s.resolved_at,
        rated_at = s.rated_at, closed_at = s.closed_at, deadline_at = s.deadline_at, satisfaction = s.satisfaction,
        handled_online = s.handled_online, reply = s.reply,
        source_category = s.source_category, source_status = s.source_status
      FROM load_stage_cases s
      JOIN case_keys k ON k.source = s.source AND k.external_id = s.external_id
     WHERE c.id = k.id
       AND (c.category_code, c.status, c.description, c.address, c.geom, c.department_id, c.reported_at,
            c.dispatched_at, c.accepted_at, c.resolved_at, c.rated_at, c.closed_at, c.deadline_at,
            c.satisfaction, c.handled_online, c.reply, c.source_category, c.source_status)
           IS DISTINCT FROM
           (s.category_code, s.status, s.description, s.address, s.geom, s.department_id, s.reported_at,
            s.dispatched_at, s.accepted_at, s.resolved_at, s.rated_at, s.closed_at, s.deadline_at,
            s.satisfaction, s.handled_online, s.reply, s.source_category, s.source_status)
    RETURNING c.id, c.status, c.reported_at, false AS inserted
), ins AS (
    INSERT INTO cases (id, source, external_id, category_code, status, description, address, geom,
                       city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id, department_id, reported_at,
                       dispatched_at, accepted_at, resolved_at, rated_at, closed_at, deadline_at,
                       satisfaction, handled_online, reply, source_category, source_status)
    SELECT k.id, s.source, s.external_id, s.category_code, s.status, s.description, s.address, s.geom,
           s.city_id, s.district_id, s.street_id, s.community_id, s.grid_id, s.micro_id,
           s.exclusive_grid_id, s.department_id, s.reported_at,
           s.dispatched_at, s.accepted_at, s.resolved_at, s.rated_at, s.closed_at, s.deadline_at,
           s.satisfaction, s.handled_online, s.reply, s.source_category, s.source_status
      FROM load_stage_cases s
      JOIN keys k ON k.source = s.source AND k.external_id = s.external_id
    RETURNING id, status, reported_at, true AS inserted
), up AS (
    SELECT * FROM upd UNION ALL SELECT * FROM ins
), ev AS (
    INSERT INTO case_events (case_id, at, from_status, to_status, actor, note)
    SELECT up.id, CASE WHEN up.inserted THEN up.reported_at ELSE now() END, old.status, up.status,
           %(actor)s, %(note)s
      FROM up LEFT JOIN old ON old.id = up.id
     WHERE up.inserted OR old.status IS DISTINCT FROM up.status
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up
