-- Cameras by code; returns (inserted, updated). A status change is logged by cameras_status_log.
WITH up AS (
    INSERT INTO cameras AS c (code, name, kind, status, last_seen_at, view_range_m, geom,
                              city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id)
    SELECT code, name, kind, status, last_seen_at, view_range_m, geom,
           city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id
      FROM load_stage_cameras
    ON CONFLICT (code) DO UPDATE SET
        name = EXCLUDED.name, kind = EXCLUDED.kind, status = EXCLUDED.status,
        last_seen_at = coalesce(EXCLUDED.last_seen_at, c.last_seen_at), view_range_m = EXCLUDED.view_range_m,
        geom = EXCLUDED.geom, city_id = EXCLUDED.city_id, district_id = EXCLUDED.district_id, street_id = EXCLUDED.street_id, community_id = EXCLUDED.community_id,
        grid_id = EXCLUDED.grid_id, micro_id = EXCLUDED.micro_id, exclusive_grid_id = EXCLUDED.exclusive_grid_id
    WHERE (c.name, c.kind, c.status, c.last_seen_at, c.view_range_m, c.geom)
          IS DISTINCT FROM
          (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.status, coalesce(EXCLUDED.last_seen_at, c.last_seen_at),
           EXCLUDED.view_range_m, EXCLUDED.geom)
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up
