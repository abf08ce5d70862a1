-- Checkpoints by code; returns (inserted, updated).
WITH up AS (
    INSERT INTO checkpoints AS c (code, name, type_code, department_id, geom,
                                  city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id)
    SELECT code, name, type_code, department_id, geom, city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id
      FROM load_stage_checkpoints
    ON CONFLICT (code) DO UPDATE SET
        name = EXCLUDED.name, type_code = EXCLUDED.type_code,
        department_id = coalesce(EXCLUDED.department_id, c.department_id), geom = EXCLUDED.geom,
        city_id = EXCLUDED.city_id, district_id = EXCLUDED.district_id, street_id = EXCLUDED.street_id, community_id = EXCLUDED.community_id, grid_id = EXCLUDED.grid_id, micro_id = EXCLUDED.micro_id,
        exclusive_grid_id = EXCLUDED.exclusive_grid_id
    WHERE (c.name, c.type_code, c.department_id, c.geom)
          IS DISTINCT FROM
          (EXCLUDED.name, EXCLUDED.type_code, coalesce(EXCLUDED.department_id, c.department_id), EXCLUDED.geom)
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up
