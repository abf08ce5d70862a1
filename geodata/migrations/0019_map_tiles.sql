-- Vector tiles of the map's biggest layers (DESIGN §6: past a few thousand features, tiles).
-- Over a GCJ-02 basemap the tiles are drawn shifted, like every other drawn coordinate
-- (layers/basemap.py). The published WGS84 → GCJ-02 offset, the same as geodata/coords.py and
-- tested against it; outside China there is no offset.
CREATE OR REPLACE FUNCTION gcj02_offset(lon double precision, lat double precision,
                                        OUT dlon double precision, OUT dlat double precision)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    a  constant double precision := 6378245.0;
    ee constant double precision := 0.00669342162296594323;
    x  double precision := lon - 105.0;
    y  double precision := lat - 35.0;
    radlat double precision := lat / 180.0 * pi();
    magic double precision;
    sqrtmagic double precision;
BEGIN
    IF lon < 72.004 OR lon > 137.8347 OR lat < 0.8293 OR lat > 55.8271 THEN
        dlon := 0; dlat := 0;
        RETURN;
    END IF;
    dlat := -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(abs(x))
          + (20.0 * sin(6.0 * x * pi()) + 20.0 * sin(2.0 * x * pi())) * 2.0 / 3.0
          + (20.0 * sin(y * pi()) + 40.0 * sin(y / 3.0 * pi())) * 2.0 / 3.0
          + (160.0 * sin(y / 12.0 * pi()) + 320 * sin(y * pi() / 30.0)) * 2.0 / 3.0;
    dlon := 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(abs(x))
          + (20.0 * sin(6.0 * x * pi()) + 20.0 * sin(2.0 * x * pi())) * 2.0 / 3.0
          + (20.0 * sin(x * pi()) + 40.0 * sin(x / 3.0 * pi())) * 2.0 / 3.0
          + (150.0 * sin(x / 12.0 * pi()) + 300.0 * sin(x / 30.0 * pi())) * 2.0 / 3.0;
    magic := 1 - ee * sin(radlat) ^ 2;
    sqrtmagic := sqrt(magic);
    dlat := (dlat * 180.0) / ((a * (1 - ee)) / (magic * sqrtmagic) * pi());
    dlon := (dlon * 180.0) / (a / sqrtmagic * cos(radlat) * pi());
END $$;

-- A WGS84 geometry moved into GCJ-02 by the offset at ``anchor``: exact for a point, and for a
-- grid-sized polygon within a few centimetres (the offset changes by metres over kilometres).
CREATE OR REPLACE FUNCTION gcj02_shift(g geometry, anchor geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ST_Translate(g, o.dlon, o.dlat) FROM gcj02_offset(ST_X(anchor), ST_Y(anchor)) o
$$;
