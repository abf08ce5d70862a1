-- Staging for a units load; dropped at commit or rollback.
CREATE TEMP TABLE load_stage_units (
    code        text NOT NULL,
    name        text NOT NULL,
    level       text NOT NULL,
    kind        text NOT NULL,
    parent_id   integer,
    population  integer,
    households  integer,
    manager     text,
    phone       text,
    geom        geometry(MultiPolygon, 4326) NOT NULL
) ON COMMIT DROP
