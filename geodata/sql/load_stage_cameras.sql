-- Staging for a cameras load; dropped at commit or rollback.
CREATE TEMP TABLE load_stage_cameras (
    code              text NOT NULL,
    name              text NOT NULL,
    kind              text NOT NULL,
    status            text NOT NULL,
    last_seen_at      timestamptz,
    view_range_m      real NOT NULL,
    geom              geometry(Point, 4326) NOT NULL,
    city_id           integer,
    district_id       integer,
    street_id         integer,
    community_id      integer,
    grid_id           integer,
    micro_id          integer,
    exclusive_grid_id integer
) ON COMMIT DROP
