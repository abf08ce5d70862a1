-- Staging for a checkpoints load; dropped at commit or rollback.
CREATE TEMP TABLE load_stage_checkpoints (
    code              text NOT NULL,
    name              text NOT NULL,
    type_code         text NOT NULL,
    department_id     integer,
    geom              geometry(Point, 4326) NOT NULL,
    city_id           integer,
    district_id       integer,
    street_id         integer,
    community_id      integer,
    grid_id           integer,
    micro_id          integer,
    exclusive_grid_id integer
) ON COMMIT DROP
