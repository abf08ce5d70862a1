"""The analyst workbench's queries and exports against the real test database: every filter's
count against an SQL count written independently here, the coverage-gap question on a
hand-built fixture whose answer is known, Gi* against the textbook formula, validation of
untrusted parameters, and each export downloaded and read back (pandas, geopandas)."""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg2
import pytest

from geodata.analysis import hotspots, spec
from geodata.analysis import statements as analysis_sql
from geodata.cases.lifecycle import FieldError
from geodata.db import Database
from i18n import say
from tests import signin

# A hand-built corner of the demo district for the gap test: no demo checkpoint inside it, and no
# demo camera within 350 m of it (the nearest is ~560 m from its centre).
FIXTURE_BOX = (113.8360, 34.6660, 113.8420, 34.6690)


def _sql_count(admin_dsn_: str, text: str, params: tuple = ()) -> int:
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute(text, params)
        return int(cur.fetchone()[0])


def _q(db: Database, **params: str) -> spec.Query:
    return spec.parse(params, spec.reference(db))


CASE_FILTERS = [
    ({"cases.status": "reported,dispatched"}, "SELECT count(*) FROM cases WHERE status IN ('reported', 'dispatched')"),
    ({"cases.category": "01"}, "SELECT count(*) FROM cases WHERE category_code LIKE '01%%'"),
    ({"cases.category": "0101,0501"}, "SELECT count(*) FROM cases WHERE category_code IN ('0101', '0501')"),
    ({"cases.source": "hotline"}, "SELECT count(*) FROM cases WHERE source = 'hotline'"),
    (
        {"cases.dept": "CGJ"},
        "SELECT count(*) FROM cases c JOIN departments d ON d.id = c.department_id WHERE d.code = 'CGJ'",
    ),
    (
        {"cases.overdue": "1"},
        "SELECT count(*) FROM cases WHERE status IN ('reported', 'dispatched', 'accepted', "
        "'returned') AND deadline_at < now()",
    ),
    (
        {"cases.since": "2026-11-01", "cases.until": "2026-11-10"},
        "SELECT count(*) FROM cases WHERE (reported_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN '2026-11-01' "
        "AND '2026-11-10'",
    ),
    (
        {"cases.near_m": "150", "cases.near_type": "school"},
        "SELECT count(*) FROM cases c WHERE EXISTS (SELECT 1 FROM checkpoints p WHERE p.type_code = 'school' "
        "AND ST_Distance(p.geom::geography, c.geom::geography) <= 150)",
    ),
    (
        {"unit": "410171001"},
        "SELECT count(*) FROM cases c JOIN units s ON s.id = c.street_id WHERE s.code = '410171001'",
    ),
    (
        {"lasso": "113.70 34.70;113.76 34.70;113.76 34.74"},  # a triangle: below the line from SW to NE
        "SELECT count(*) FROM cases WHERE ST_X(geom) <= 113.76 AND ST_Y(geom) >= 34.70 "
        "AND (ST_Y(geom) - 34.70) <= (ST_X(geom) - 113.70) * (0.04 / 0.06)",
    ),
    (
        {"box": "113.70,34.70,113.76,34.74"},
        "SELECT count(*) FROM cases WHERE ST_X(geom) BETWEEN 113.70 AND 113.76 AND ST_Y(geom) BETWEEN 34.70 AND 34.74",
    ),
]


@pytest.mark.parametrize(("params", "independent"), CASE_FILTERS, ids=[str(p) for p, _ in CASE_FILTERS])
def test_case_filters_count_what_sql_counts(db, admin_dsn_, params, independent):
    q = _q(db, **params)
    expected = _sql_count(admin_dsn_, independent)
    assert expected > 0, "the demo city has rows for every filter tested"
    assert analysis_sql.count(db, q, None) == expected
    page = analysis_sql.page(db, q, None)
    assert len(page) == min(50, expected)


def test_other_layers_count_what_sql_counts(db, admin_dsn_):
    latest = """WITH l AS (SELECT DISTINCT ON (checkpoint_id) id, checkpoint_id FROM inspections
                           ORDER BY checkpoint_id, inspected_at DESC)"""
    checks = [
        (
            {"layer": "checkpoints", "checkpoints.type": "intersection"},
            "SELECT count(*) FROM checkpoints WHERE type_code = 'intersection'",
        ),
        (
            {"layer": "checkpoints", "checkpoints.below": "80"},
            latest + " SELECT count(*) FROM (SELECT l.checkpoint_id FROM l JOIN inspection_results r "
            "ON r.inspection_id = l.id GROUP BY 1 HAVING 100.0 * avg(r.passed::int) < 80) x",
        ),
        (
            {"layer": "checkpoints", "checkpoints.failing": "ads"},
            latest + " SELECT count(*) FROM l JOIN inspection_results r ON r.inspection_id = l.id "
            "WHERE r.element_code = 'ads' AND NOT r.passed",
        ),
        ({"layer": "cameras", "cameras.status": "offline"}, "SELECT count(*) FROM cameras WHERE status = 'offline'"),
        ({"layer": "cameras", "cameras.kind": "dome,ai"}, "SELECT count(*) FROM cameras WHERE kind IN ('dome', 'ai')"),
        (
            {"layer": "grids", "grids.kind": "rural"},
            "SELECT count(*) FROM units WHERE level = 'grid' AND kind = 'rural'",
        ),
        (
            {"layer": "grids", "grids.min_open": "5"},
            "SELECT count(*) FROM units u JOIN unit_stats s ON s.unit_id = u.id WHERE u.level = 'grid' "
            "AND s.open_cases >= 5",
        ),
    ]
    for params, independent in checks:
        expected = _sql_count(admin_dsn_, independent)
        assert expected > 0, params
        assert analysis_sql.count(db, _q(db, **params), None) == expected, params


CHECKPOINT_SQL = """INSERT INTO checkpoints (code, name, type_code, geom)
                    VALUES (%s, %s, 'intersection', ST_SetSRID(ST_MakePoint(%s, %s), 4326))"""
CAMERA_SQL = """INSERT INTO cameras (code, name, kind, status, geom)
                VALUES (%s, %s, 'bullet', %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326))"""


@pytest.fixture
def gap_fixture(admin_dsn_):
    """Four intersection checkpoints and three cameras in an empty corner, at known distances:
    A has an online camera 30 m away; B only an offline one 20 m away; C an online one 120 m
    away; D nothing near. Within 50 m the gaps are B, C and D; within 150 m, B and D."""
    x0, y0 = FIXTURE_BOX[0] + 0.0005, FIXTURE_BOX[1] + 0.0005
    m_lon = 1 / (111320 * np.cos(np.radians(y0)))  # degrees of longitude per metre here
    points = {"A": (x0, y0), "B": (x0 + 0.0025, y0), "C": (x0 + 0.005, y0), "D": (x0 + 0.0025, y0 + 0.002)}
    cams = [("A", 30, "online"), ("B", 20, "offline"), ("C", 120, "online")]
    conn = psycopg2.connect(admin_dsn_)
    try:
        with conn, conn.cursor() as cur:
            for name, (lon, lat) in points.items():
                cur.execute(CHECKPOINT_SQL, (f"GAPTEST-{name}", f"盲区测试{name}", lon, lat))
            for name, metres, status in cams:
                lon, lat = points[name]
                cur.execute(
                    CAMERA_SQL, (f"GAPTEST-{name}", f"盲区测试摄像头{name}", status, float(lon + metres * m_lon), lat)
                )
        yield
    finally:
        with conn, conn.cursor() as cur:
            cur.execute("DELETE FROM cameras WHERE code LIKE 'GAPTEST-%%'")
            cur.execute("DELETE FROM checkpoints WHERE code LIKE 'GAPTEST-%%'")
        conn.close()


def test_coverage_gaps_on_a_fixture_with_a_known_answer(db, gap_fixture):
    box = ",".join(str(v) for v in FIXTURE_BOX)
    for metres, expected in ((50, {"B", "C", "D"}), (150, {"B", "D"}), (10, {"A", "B", "C", "D"})):
        q = _q(
            db, layer="checkpoints", box=box, **{"checkpoints.type": "intersection", "checkpoints.gap_m": str(metres)}
        )
        rows = analysis_sql.page(db, q, None)
        assert {r["code"].removeprefix("GAPTEST-") for r in rows} == expected, metres
        assert analysis_sql.count(db, q, None) == len(expected)
    nearest = {
        r["code"]: r["nearest_camera_m"] for r in analysis_sql.page(db, _q(db, layer="checkpoints", box=box), None)
    }
    assert abs(nearest["GAPTEST-A"] - 30) <= 1 and abs(nearest["GAPTEST-C"] - 120) <= 1  # offline cameras do not count


def test_hotspots_match_the_getis_ord_formula(db, admin_dsn_):
    gi = hotspots.gi_star(db)
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute("""SELECT a.id, b.id FROM units a JOIN units b ON a.id <> b.id AND ST_Intersects(a.geom, b.geom)
                        WHERE a.level = 'grid' AND b.level = 'grid' AND a.kind <> 'exclusive'
                          AND b.kind <> 'exclusive'""")
        pairs = cur.fetchall()
    index = {int(i): k for k, i in enumerate(gi.ids)}
    n = len(index)
    w = np.eye(n)  # Gi*: the grid itself is one of its neighbours
    for a, b in pairs:
        w[index[a], index[b]] = 1
    x = gi.open_cases.astype(float)
    mean, s = x.mean(), np.sqrt((x**2).mean() - x.mean() ** 2)
    wi = w.sum(axis=1)
    z = (w @ x - mean * wi) / (s * np.sqrt((n * wi - wi**2) / (n - 1)))
    assert np.allclose(gi.z, z, atol=1e-6)
    hot = analysis_sql.page(db, _q(db, layer="grids", size="200", **{"grids.hot": "1"}), None)
    assert hot and {r["id"] for r in hot} == {int(i) for i, v in zip(gi.ids, z) if v >= 1.96}
    assert all(r["gi_z"] >= 1.96 and r["gi_p"] <= 0.05 for r in hot)


BAD = [
    ({"layer": "roads"}, "layer", "unknown layer"),
    ({"cases.colour": "red"}, "cases.colour", "unknown parameter"),
    ({"cases.status": "open;DROP TABLE cases"}, "cases.status", "not a code"),
    ({"cases.status": "pending"}, "cases.status", "known: reported"),
    ({"cases.since": "22/11/2026"}, "cases.since", "YYYY-MM-DD"),
    ({"cases.since": "2026-11-10", "cases.until": "2026-11-01"}, "cases.until", "on or after"),
    ({"cases.near_m": "100"}, "cases.near_m", "which checkpoints"),
    ({"cases.near_m": "99999", "cases.near_type": "school"}, "cases.near_m", "out of range"),
    ({"checkpoints.below": "nan"}, "checkpoints.below", "out of range"),
    ({"box": "113.8,34.7,113.7,34.8"}, "box", "minimum must be below"),
    ({"lasso": "113.7 34.7;113.8 34.7"}, "lasso", "3 to 500"),
    ({"sort": "population"}, "sort", "sort by one of"),
    ({"size": "100000"}, "size", "10 to 200"),
]


@pytest.mark.parametrize(("params", "field", "message"), BAD, ids=[str(p) for p, _, _ in BAD])
def test_untrusted_parameters_get_a_clear_error(db, params, field, message):
    with pytest.raises(FieldError) as caught:
        _q(db, **params)
    assert message in caught.value.errors[field]
    chinese = say(caught.value.errors[field], "zh")  # the page shows it in Chinese
    assert chinese != caught.value.errors[field] and any("\u4e00" <= ch <= "\u9fff" for ch in chinese)


def test_a_view_survives_its_url(db):
    params = {"cases.status": "reported", "checkpoints.below": "62.5", "grids.hot": "1", "cases.near_ids": "3,1"}
    q = _q(
        db,
        layer="checkpoints",
        show="grids,checkpoints",
        box="113.7,34.7,113.8,34.75",
        sort="name",
        dir="asc",
        **params,
    )
    from urllib.parse import parse_qsl

    assert _q(db, **dict(parse_qsl(spec.encode(q)))) == q


def test_an_unknown_unit_is_refused_and_a_street_user_sees_only_their_street(db, admin_dsn_):
    with pytest.raises(FieldError, match="no unit with code"):
        analysis_sql.count(db, _q(db, unit="999999999"), None)
    from geodata import units

    street = units.by_code(db, "410171001")
    other = _sql_count(
        admin_dsn_, "SELECT count(*) FROM cases c JOIN units s ON s.id = c.street_id WHERE s.code = '410171001'"
    )
    assert analysis_sql.count(db, _q(db), street) == other
    with pytest.raises(FieldError):
        analysis_sql.count(db, _q(db, unit="410171002"), street)  # another street reads as unknown
    grids = _sql_count(admin_dsn_, "SELECT count(*) FROM units WHERE level = 'grid' AND street_id = %s", (street.id,))
    assert analysis_sql.count(db, _q(db, layer="grids"), street) == grids


@pytest.mark.parametrize(
    "params", [{}, {"cases.category": "01"}, {"unit": "410171001"}, {"cases.since": "2026-06-01"}], ids=str
)
def test_cases_beyond_the_map_cap_are_drawn_per_community_every_one_counted(db, admin_dsn_, params):
    """More cases than the workbench's map draws one by one: every case the query selects is
    counted in its community (none dropped, none an arbitrary first part), and the map draws a
    circle per community that says so."""
    from layers import analysis_map
    from layers.basemap import projector
    from layers.outlines import area_shapes

    q = _q(db, **params)
    rows = analysis_sql.cases_by_community(db, q, None)
    where = {
        "{}": "true",
        "{'cases.category': '01'}": "x.category_code LIKE '01%%'",
        "{'unit': '410171001'}": "x.street_id = (SELECT id FROM units WHERE code = '410171001')",
        "{'cases.since': '2026-06-01'}": "x.reported_at >= '2026-06-01 00:00+08'",
    }[str(params)]
    # No filter but the report days: answered from the daily counts, which must agree with the count.
    assert analysis_sql._days_only(q) == (params in ({}, {"cases.since": "2026-06-01"}))
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT community_id, count(*) FROM cases x WHERE {where} GROUP BY 1")
        want = dict(cur.fetchall())
    assert {r["id"]: r["n"] for r in rows} == want
    assert sum(want.values()) == analysis_sql.count(db, q, None) > 0

    view = {"center": {"lon": 113.7, "lat": 34.7}, "zoom": 12, "bounds": [113.6, 34.6, 113.8, 34.8]}
    figure, _ = analysis_map.figure(
        {}, area_shapes(db), "zh", projector("none"), {}, set(), False, None, view, None, None, rows
    )
    (trace,) = [tr for tr in figure["data"] if tr["name"] == "case-counts"]
    assert not [tr for tr in figure["data"] if tr["name"] == "cases"]  # no point drawn for a case
    placed = [r for r in rows if r["id"] is not None]
    assert [c[1] for c in trace["customdata"]] == [r["id"] for r in placed]
    sizes = dict(zip([c[3] for c in trace["customdata"]], trace["marker"]["size"]))
    assert sizes[max(sizes)] == analysis_map.COUNT_SIZE[1] and all(
        sizes[a] <= sizes[b] for a in sizes for b in sizes if a < b
    )  # a circle grows with its count
    total = sum(r["n"] for r in rows)
    notes = analysis_map.map_notes({}, "zh", rows, 100)
    assert f"案件共 {total:,} 件" in notes[0] and "按社区汇总" in notes[0]
    assert (len(notes) == 2) == (None in want)  # the cases in no community are named, not drawn


# Exports, through the served app.


def _export(http, server, fmt: str, query: str):
    response = http.get(f"{server}/analyst/export.{fmt}?{query}", timeout=120)
    assert response.status_code == 200, response.text[:300]
    return response


def test_exports_read_back_with_the_same_rows_and_crs(http, server, db, tmp_path: Path):
    query = "layer=cases&cases.category=01&cases.status=reported,dispatched,accepted"
    params = {"cases.category": "01", "cases.status": "reported,dispatched,accepted"}
    expected = analysis_sql.count(db, _q(db, layer="cases", **params), None)
    assert expected > 0
    csv = _export(http, server, "csv", query)
    assert csv.content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, for Excel"
    assert "attachment" in csv.headers["Content-Disposition"] and "Content-Length" not in csv.headers  # streamed
    frame = pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig")
    assert len(frame) == expected and "事项类别" in frame.columns
    for fmt in ("geojson", "gpkg"):
        path = tmp_path / f"export.{fmt}"
        path.write_bytes(_export(http, server, fmt, query).content)
        read = gpd.read_file(path)
        assert len(read) == expected, fmt
        assert read.crs.to_epsg() == 4326, fmt
        assert set(read.geometry.geom_type) == {"Point"}, fmt
    grids = tmp_path / "grids.gpkg"
    grids.write_bytes(_export(http, server, "gpkg", "layer=grids&grids.min_open=3").content)
    read = gpd.read_file(grids)
    assert len(read) == analysis_sql.count(db, _q(db, layer="grids", **{"grids.min_open": "3"}), None)
    assert set(read.geometry.geom_type) <= {"MultiPolygon", "Polygon"} and read.crs.to_epsg() == 4326


def test_csv_neutralises_formulas_and_every_export_is_audited(http, server, db, admin_dsn_):
    conn = psycopg2.connect(admin_dsn_)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("""INSERT INTO cases (source, external_id, category_code, status, address, geom, reported_at,
                                              deadline_at)
                           VALUES ('hotline', 'FORMULA-1', '0101', 'reported', '=HYPERLINK("http://x","点我")',
                                   ST_SetSRID(ST_MakePoint(113.78, 34.72), 4326), now(), now() + interval '1 day')
                           RETURNING id""")
            case_id = cur.fetchone()[0]
        query = "layer=cases&cases.since=2026-01-01&unit=&box=113.7799,34.7199,113.7801,34.7201"
        response = _export(http, server, "csv", query)
        text = response.content.decode("utf-8-sig")
        assert "'=HYPERLINK" in text and ',"=HYPERLINK' not in text
        with conn, conn.cursor() as cur:
            cur.execute("SELECT actor, detail FROM audit_log WHERE action = 'export' ORDER BY id DESC LIMIT 1")
            actor, detail = cur.fetchone()
        assert actor == "district" and detail["format"] == "csv" and detail["layer"] == "cases"
        assert detail["rows"] == len(pd.read_csv(io.StringIO(text))) >= 1 and "box=" in detail["query"]
    finally:
        with conn, conn.cursor() as cur:
            cur.execute("DELETE FROM cases WHERE id = %s", (case_id,))
        conn.close()


def test_a_bad_export_query_is_a_400_that_names_the_problem(http, server):
    response = http.get(f"{server}/analyst/export.csv?cases.status=pending", timeout=30)
    assert response.status_code == 400
    assert "cases.status" in response.json()["fields"] and "known:" in response.json()["message"]
    assert http.get(f"{server}/analyst/export.xlsx", timeout=30).status_code == 404


def test_a_street_user_exports_only_their_street(server, admin_dsn_):
    street = signin.session(server, "street")
    response = street.get(f"{server}/analyst/export.csv?layer=cameras", timeout=60)
    assert response.status_code == 200
    rows = pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig")
    expected = _sql_count(
        admin_dsn_,
        "SELECT count(*) FROM cameras c JOIN users u ON u.username = 'street' "
        "JOIN units s ON s.code = u.scope_code WHERE c.street_id = s.id",
    )
    assert len(rows) == expected > 0
    assert set(rows["办事处"]) == {rows["办事处"].iloc[0]}


def test_a_selection_drawn_over_a_gcj02_basemap_is_read_back_in_wgs84():
    from callbacks.analyst import _area
    from geodata.coords import wgs84_to_gcj02
    from layers.basemap import Projector

    lon, lat = np.array([113.70, 113.76, 113.73]), np.array([34.70, 34.71, 34.76])
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert np.hypot(glon - lon, glat - lat).min() > 1e-3  # the two frames are hundreds of metres apart here
    box = _area({"range": {"map": [[glon[1], glat[1]], [glon[0], glat[0]]]}}, Projector(gcj02=True))
    assert np.allclose(box["box"], [lon[0], lat[0], lon[1], lat[1]], atol=1e-6)
    lasso = _area({"lassoPoints": {"map": np.column_stack([glon, glat]).tolist()}}, Projector(gcj02=True))
    assert np.allclose(lasso["lasso"], np.column_stack([lon, lat]), atol=2e-6)
    plain = _area({"range": {"map": [[lon[0], lat[0]], [lon[1], lat[1]]]}}, Projector())
    assert plain["box"] == [lon[0], lat[0], lon[1], lat[1]]
