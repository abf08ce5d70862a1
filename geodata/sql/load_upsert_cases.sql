-- Cases by (source, external id): new ones inserted, changed ones updated, equal ones left alone.
-- Each new case and each status change gets a case_events row (every CTE sees the rows as they
-- were before the statement, so "old" holds the previous status). Returns (inserted, updated).
WITH old AS (
    SELECT c.id, c.status FROM load_stage_cases s JOIN cases c USING (source, external_id)
), up AS (
    INSERT INTO cases AS c (source, external_id, category_code, status, description, address, geom,
                            city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id, department_id, reported_at,
                            dispatched_at, accepted_at, resolved_at, rated_at, closed_at, deadline_at,
                            satisfaction, handled_online, reply, source_category, source_status)
    SELECT source, external_id, category_code, status, description, address, geom,
           city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id, department_id, reported_at,
           dispatched_at, accepted_at, resolved_at, rated_at, closed_at, deadline_at,
           satisfaction, handled_online, reply, source_category, source_status
      FROM load_stage_cases
    ON CONFLICT (source, external_id) DO UPDATE SET
        category_code = EXCLUDED.category_code, status = EXCLUDED.status, description = EXCLUDED.description,
        address = EXCLUDED.address, geom = EXCLUDED.geom, city_id = EXCLUDED.city_id, district_id = EXCLUDED.district_id, street_id = EXCLUDED.street_id,
        community_id = EXCLUDED.community_id, grid_id = EXCLUDED.grid_id, micro_id = EXCLUDED.micro_id,
        exclusive_grid_id = EXCLUDED.exclusive_grid_id, department_id = EXCLUDED.department_id,
        reported_at = EXCLUDED.reported_at, dispatched_at = EXCLUDED.dispatched_at,
        accepted_at = EXCLUDED.accepted_at, resolved_at = EXCLUDED.resolved_at, rated_at = EXCLUDED.rated_at,
        closed_at = EXCLUDED.closed_at, deadline_at = EXCLUDED.deadline_at, satisfaction = EXCLUDED.satisfaction,
        handled_online = EXCLUDED.handled_online, reply = EXCLUDED.reply,
        source_category = EXCLUDED.source_category, source_status = EXCLUDED.source_status
    WHERE (c.category_code, c.status, c.description, c.address, c.geom, c.department_id, c.reported_at,
           c.dispatched_at, c.accepted_at, c.resolved_at, c.rated_at, c.closed_at, c.deadline_at,
           c.satisfaction, c.handled_online, c.reply, c.source_category, c.source_status)
          IS DISTINCT FROM
          (EXCLUDED.category_code, EXCLUDED.status, EXCLUDED.description, EXCLUDED.address, EXCLUDED.geom,
           EXCLUDED.department_id, EXCLUDED.reported_at, EXCLUDED.dispatched_at, EXCLUDED.accepted_at,
           EXCLUDED.resolved_at, EXCLUDED.rated_at, EXCLUDED.closed_at, EXCLUDED.deadline_at,
           EXCLUDED.satisfaction, EXCLUDED.handled_online, EXCLUDED.reply, EXCLUDED.source_category,
           EXCLUDED.source_status)
    RETURNING c.id, c.status, c.reported_at, (xmax = 0) AS inserted
), ev AS (
    INSERT INTO case_events (case_id, at, from_status, to_status, actor, note)
    SELECT up.id, CASE WHEN up.inserted THEN up.reported_at ELSE now() END, old.status, up.status,
           %(actor)s, %(note)s
      FROM up LEFT JOIN old ON old.id = up.id
     WHERE up.inserted OR old.status IS DISTINCT FROM up.status
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up
