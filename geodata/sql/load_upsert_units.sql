-- Units by code: new ones inserted, changed ones updated, equal ones left alone. Empty optional
-- cells keep the stored value. Returns (inserted, updated).
WITH up AS (
    INSERT INTO units AS u (code, name, level, kind, parent_id, population, households, manager, phone, geom)
    SELECT code, name, level, kind, parent_id, population, households, manager, phone, geom
      FROM load_stage_units
    ON CONFLICT (code) DO UPDATE SET
        name = EXCLUDED.name, level = EXCLUDED.level, kind = EXCLUDED.kind, parent_id = EXCLUDED.parent_id,
        population = coalesce(EXCLUDED.population, u.population),
        households = coalesce(EXCLUDED.households, u.households),
        manager = coalesce(EXCLUDED.manager, u.manager), phone = coalesce(EXCLUDED.phone, u.phone),
        geom = EXCLUDED.geom
    WHERE (u.name, u.level, u.kind, u.parent_id, u.population, u.households, u.manager, u.phone, u.geom)
          IS DISTINCT FROM
          (EXCLUDED.name, EXCLUDED.level, EXCLUDED.kind, EXCLUDED.parent_id,
           coalesce(EXCLUDED.population, u.population), coalesce(EXCLUDED.households, u.households),
           coalesce(EXCLUDED.manager, u.manager), coalesce(EXCLUDED.phone, u.phone), EXCLUDED.geom)
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up
