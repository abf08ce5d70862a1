"""gridops load against real files and a real PostGIS (its own database, emptied per test)."""

from __future__ import annotations

import csv
import shutil
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import psycopg2
import psycopg2.extensions
import psycopg2.sql
import pyproj
import pytest
import shapely
from shapely.geometry import Point, box

from geodata.errors import LoadError
from geodata.load.cli import main
from geodata.load.loader import load
from geodata.load.options import Options
from settings import Settings, get_settings
from tests.conftest import ROOT

DATA = ROOT.parent / "shared" / "data"
NYC = DATA / "nyc311_data237"
HENAN = DATA / "amap_gcj02_henan_shp" / "henan.shp"
GEOD = pyproj.Geod(ellps="WGS84")


def _one(dsn: str, query: str, params=None):
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(query, params)
        rows = cur.fetchall()
    conn.close()
    return rows


def _run(kind, path, dsn, settings, **opts):
    return load(kind, path, Options(**opts), dsn=dsn, settings=settings)


def test_nyc_boroughs_then_311_cases(empty, load_settings, tmp_path):
    s, dsn = load_settings, empty
    plain = _run("units", NYC / "nyc.geojson", dsn, s, level="district")
    assert (plain.inserted, len(plain.rejected)) == (4, 1)
    assert plain.rejected[2].startswith("invalid geometry (Ring Self-intersection")
    repaired = _run("units", NYC / "nyc.geojson", dsn, s, level="district", repair=True)
    assert (repaired.inserted, repaired.unchanged, list(repaired.repaired)) == (1, 4, [2])
    assert {r[0] for r in _one(dsn, "SELECT name FROM units")} >= {"Queens", "Brooklyn", "Manhattan"}

    with pytest.raises(LoadError, match="--crs"):
        _run("cases", NYC / "311.csv", dsn, s, tz="America/New_York")
    assert _one(dsn, "SELECT count(*) FROM cases") == [(0,)]

    report = _run("cases", NYC / "311.csv", dsn, s, crs="EPSG:4326", tz="America/New_York")
    assert report.read == 5895 and report.inserted == 5837 and report.updated == 0
    reasons = list(report.rejected.values())
    assert reasons.count("no coordinates") == 57
    assert len(reasons) == 58 and sum(r.startswith("outside the territory") for r in reasons) == 1
    statuses = dict(_one(dsn, "SELECT status, count(*) FROM cases GROUP BY 1"))
    assert set(statuses) <= {"reported", "dispatched", "accepted", "closed"} and statuses["closed"] > 2000
    assert _one(dsn, "SELECT DISTINCT category_code FROM cases") == [("99",)]
    # Row 1: "02/17/2020 12:19:00 PM" in New York is 17:19 UTC.
    assert _one(dsn, "SELECT reported_at FROM cases WHERE external_id = '45633481'") == [
        (datetime(2020, 2, 17, 17, 19, tzinfo=UTC),)
    ]
    assert _one(dsn, "SELECT count(*) FROM case_events") == [(5837,)]

    report.write_csv(tmp_path / "r.csv")
    lines = list(csv.reader((tmp_path / "r.csv").open(encoding="utf-8")))
    assert sum(r[1] == "rejected" and r[0] != "" for r in lines) == 58 and ["", "loaded", "5837"] in lines

    # The same requests from their State Plane feet (EPSG:2263), as a dry run into another source.
    plane = {"lon": "X Coordinate (State Plane)", "lat": "Y Coordinate (State Plane)"}
    feet = _run(
        "cases",
        NYC / "311.csv",
        dsn,
        s,
        crs="EPSG:2263",
        mapping=plane,
        source="app",
        dry_run=True,
        tz="America/New_York",
    )
    assert (feet.inserted, len(feet.rejected)) == (5837, 58)

    again = _run("cases", NYC / "311.csv", dsn, s, crs="EPSG:4326", tz="America/New_York")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5837)

    # One request closes in a later export: only it changes, and its status change is logged.
    changed = tmp_path / "311.csv"
    with (NYC / "311.csv").open(encoding="utf-8", newline="") as src:
        table = list(csv.reader(src))
    assert table[1][0] == "45633481" and table[1][19] == "In Progress"
    table[1][2], table[1][19] = "02/20/2020 09:00:00 AM", "Closed"
    with changed.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(table)
    third = _run("cases", changed, dsn, s, crs="EPSG:4326", tz="America/New_York")
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 5836)
    assert _one(dsn, "SELECT status, closed_at FROM cases WHERE external_id = '45633481'") == [
        ("closed", datetime(2020, 2, 20, 14, 0, tzinfo=UTC))
    ]
    assert _one(
        dsn,
        "SELECT from_status, to_status FROM case_events e JOIN cases c ON c.id = e.case_id "
        "WHERE c.external_id = '45633481' ORDER BY e.id",
    ) == [(None, "accepted"), ("accepted", "closed")]


def _centroid_shift(raw, stored) -> tuple[float, float]:
    a, b = raw.centroid, stored.centroid
    azimuth, _, metres = GEOD.inv(a.x, a.y, b.x, b.y)
    return metres, azimuth


def test_henan_gcj02_districts(empty, load_settings):
    s, dsn = load_settings, empty
    report = _run("units", HENAN, dsn, s, crs="gcj02")
    assert (report.read, report.inserted, len(report.rejected)) == (158, 158, 0)
    raw = gpd.read_file(HENAN, encoding="utf-8").set_index("adcode")
    rows = _one(dsn, "SELECT code, name, level, ST_AsBinary(geom) FROM units WHERE code LIKE '4101%' ORDER BY code")
    names = {r[1] for r in rows}
    assert {"金水区", "中原区", "二七区", "管城回族区", "惠济区"} <= names and len(rows) == 12
    assert {r[2] for r in rows} == {"district"}
    for code, _name, _level, wkb in rows:
        metres, azimuth = _centroid_shift(raw.geometry[code], shapely.from_wkb(bytes(wkb)))
        assert 540 < metres < 610 and -95 < azimuth < -60, (code, metres, azimuth)  # about 570 m, to the west

    # Without --crs the .prj's WGS84 claim is believed: the geometry goes back to the raw numbers.
    trusting = _run("units", HENAN, dsn, s)
    assert (trusting.inserted, trusting.updated) == (0, 158)
    wkb = _one(dsn, "SELECT ST_AsBinary(geom) FROM units WHERE code = '410105'")[0][0]
    assert _centroid_shift(raw.geometry["410105"], shapely.from_wkb(bytes(wkb)))[0] < 0.01


def _hierarchy(tmp_path: Path, dsn: str, s: Settings) -> None:
    """A 2 km square district → one street → one community, in WGS84 near 113.78, 34.73."""
    square = box(113.77, 34.72, 113.79, 34.74)
    for level, code, name in [
        ("district", "D1", "测试区"),
        ("street", "S1", "测试街道"),
        ("community", "C1", "测试社区"),
    ]:
        path = tmp_path / f"{level}.geojson"
        gpd.GeoDataFrame({"编码": [code], "名称": [name]}, geometry=[square], crs="EPSG:4326").to_file(path)
        assert _run("units", path, dsn, s, level=level).inserted == 1


def test_grids_link_to_parents_and_get_a_topology_report(empty, load_settings, tmp_path):
    s, dsn = load_settings, empty
    _hierarchy(tmp_path, dsn, s)
    grids = gpd.GeoDataFrame(
        {
            "code": ["G1", "G2", "G3", "G4"],
            "name": ["一网格", "二网格", "三网格", "园区"],
            "type": ["社区网格", "社区网格", "微网格", "专属网格"],
        },
        geometry=[
            box(113.77, 34.72, 113.781, 34.74),
            box(113.78, 34.72, 113.79, 34.73),
            box(113.785, 34.735, 113.786, 34.736),
            Point(113.78, 34.73).buffer(0.002),
        ],
        crs="EPSG:4326",
    )
    path = tmp_path / "grids.gpkg"
    grids.to_file(path)
    report = _run("units", path, dsn, s, level="grid")
    assert report.inserted == 4 and not report.rejected
    rows = dict(
        _one(dsn, "SELECT u.code, p.code FROM units u JOIN units p ON p.id = u.parent_id WHERE u.level = 'grid'")
    )
    assert rows == {"G1": "C1", "G2": "C1", "G3": "C1", "G4": "C1"}
    kinds = dict(_one(dsn, "SELECT code, kind FROM units WHERE level = 'grid'"))
    assert kinds == {"G1": "community", "G2": "community", "G3": "micro", "G4": "exclusive"}
    problems = {(p, a, b) for p, a, b, _ in report.topology}
    assert ("overlap", "G1", "G2") in problems  # same kind, 0.001° wide strip
    assert ("gap", "C1", "") in problems  # the north-east quarter has no grid
    assert not any("G4" in (a, b) for _, a, b in problems)  # an exclusive grid may overlap others
    assert _run("units", path, dsn, s, level="grid").unchanged == 4

    outside = gpd.GeoDataFrame(
        {"code": ["G9"], "name": ["外面"]}, geometry=[box(114.0, 35.0, 114.01, 35.01)], crs="EPSG:4326"
    )
    outside.to_file(tmp_path / "outside.geojson")
    far = _run("units", tmp_path / "outside.geojson", dsn, s, level="grid")
    line = gpd.GeoDataFrame(
        {"code": ["G8"], "name": ["线"]},
        geometry=[shapely.LineString([(113.78, 34.73), (113.781, 34.731)])],
        crs="EPSG:4326",
    )
    line.to_file(tmp_path / "line.geojson")
    assert _run("units", tmp_path / "line.geojson", dsn, s, level="grid").rejected == {
        1: "wrong geometry type LineString: units need polygons"
    }
    assert far.rejected == {1: "no community contains this unit; load its community first or give a parent code column"}


def test_cameras_and_checkpoints_from_chinese_csv(empty, load_settings, tmp_path):
    s, dsn = load_settings, empty
    _hierarchy(tmp_path, dsn, s)
    from geodata import coords

    glon, glat = coords.wgs84_to_gcj02(113.78, 34.73)
    cams = tmp_path / "cameras.csv"
    cams.write_bytes(
        (
            "设备编码,设备名称,设备类型,在线状态,经度(lon),纬度(lat)\n"
            f"CAM1,东门,球机,在线,{glon:.7f},{glat:.7f}\n"
            "CAM2,西门,枪机,离线,116.0,39.0\n"
            "CAM3,南门,飞碟,在线,113.781,34.731\n"
        ).encode("gbk")
    )
    report = _run("cameras", cams, dsn, s, crs="gcj02")
    assert report.inserted == 1
    assert report.rejected[2].startswith("outside the territory") and "飞碟" in report.rejected[3]
    ((lon, lat, kind, status, street),) = _one(
        dsn, "SELECT ST_X(geom), ST_Y(geom), kind, status, street_id IS NOT NULL FROM cameras"
    )
    assert abs(lon - 113.78) < 1e-6 and abs(lat - 34.73) < 1e-6 and (kind, status, street) == ("dome", "online", True)
    assert _run("cameras", cams, dsn, s, crs="gcj02").unchanged == 1

    points = tmp_path / "checkpoints.csv"
    points.write_text(
        "\ufeff点位编号,点位名称,点位类型,责任单位,WKT\n"
        "CP1,经开区实验小学,学校,城市管理局,POINT (113.775 34.725)\n"
        "CP2,路口,intersection,,POINT (113.776 34.726)\n"
        "CP3,菜场,菜市场,,POINT (113.777 34.727)\n",
        encoding="utf-8",
    )
    report = _run("checkpoints", points, dsn, s, crs="EPSG:4326")
    assert report.inserted == 2 and "unknown checkpoint type '菜市场'" in report.rejected[3]
    assert dict(_one(dsn, "SELECT code, type_code FROM checkpoints")) == {"CP1": "school", "CP2": "intersection"}


def test_a_dry_run_and_a_failed_load_write_nothing(empty, load_settings, tmp_path, monkeypatch):
    s, dsn = load_settings, empty
    dry = _run("units", HENAN, dsn, s, crs="gcj02", dry_run=True)
    assert dry.inserted == 158 and dry.dry_run
    assert _one(dsn, "SELECT count(*) FROM units") == [(0,)]
    imports = "SELECT count(*) FROM audit_log WHERE action = 'import'"
    before = _one(dsn, imports)[0][0]  # a dry run leaves no audit entry either

    _hierarchy(tmp_path, dsn, s)
    logged = _one(
        dsn,
        "SELECT actor, detail->>'kind', (detail->>'inserted')::int FROM audit_log "
        "WHERE action = 'import' ORDER BY id DESC LIMIT 1",
    )
    assert _one(dsn, imports)[0][0] > before and logged[0][0].startswith("os:") and logged[0][2] > 0
    from geodata.load import write as load_write

    def broken(*_args, **_kwargs):
        raise psycopg2.errors.QueryCanceled("canceling statement due to statement timeout")

    monkeypatch.setattr(load_write, "topology", broken)  # fails after the grids were upserted
    grid = tmp_path / "g.geojson"
    gpd.GeoDataFrame(
        {"code": ["G1"], "name": ["一"]}, geometry=[box(113.77, 34.72, 113.78, 34.73)], crs="EPSG:4326"
    ).to_file(grid)
    with pytest.raises(psycopg2.Error):
        _run("units", grid, dsn, s, level="grid")
    assert _one(dsn, "SELECT count(*) FROM units WHERE level = 'grid'") == [(0,)]


def test_the_command_line_prints_a_summary_and_writes_the_report(empty, load_settings, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRIDOPS_DB_NAME", load_settings.db_name)
    get_settings.cache_clear()
    try:
        code = main(
            [
                "units",
                str(NYC / "nyc.geojson"),
                "--level",
                "district",
                "--repair",
                "--report",
                str(tmp_path / "units.csv"),
            ]
        )
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert code == 0 and "5 read, 5 loaded, 0 updated, 0 unchanged, 0 rejected, 1 repaired" in out
    assert (tmp_path / "units.csv").read_text(encoding="utf-8").count("made valid") == 1


def test_the_exit_status_says_when_rows_were_rejected(empty, load_settings, tmp_path, monkeypatch, capsys):
    _hierarchy(tmp_path, empty, load_settings)
    cams = tmp_path / "cams.csv"
    cams.write_text("code,name,kind,status,lon,lat\nC1,东门,dome,online,113.78,34.73\n", encoding="utf-8")
    monkeypatch.setenv("GRIDOPS_DB_NAME", load_settings.db_name)
    get_settings.cache_clear()
    try:
        assert main(["cameras", str(cams), "--crs", "EPSG:4326"]) == 0
        cams.write_text(cams.read_text(encoding="utf-8") + "C2,西门,dome,online,116.0,39.0\n", encoding="utf-8")
        assert main(["cameras", str(cams), "--crs", "EPSG:4326"]) == 1  # loaded, one row rejected
    finally:
        get_settings.cache_clear()
    assert "1 rejected" in capsys.readouterr().out


def test_a_shapefile_folder_copy_without_dbf_is_refused(load_settings, tmp_path, capsys):
    for part in ("shp", "shx", "prj"):
        shutil.copy(HENAN.with_suffix(f".{part}"), tmp_path / f"henan.{part}")
    assert main(["units", str(tmp_path / "henan.shp"), "--crs", "gcj02"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "has no .dbf beside it" in err and "Traceback" not in err


def test_hotline_cases_with_ewkb_chinese_statuses_and_a_status_map(empty, load_settings, tmp_path):
    s, dsn = load_settings, empty
    _hierarchy(tmp_path, dsn, s)
    grid = tmp_path / "grid.geojson"
    gpd.GeoDataFrame(
        {"code": ["G1"], "name": ["一"]}, geometry=[box(113.77, 34.72, 113.79, 34.74)], crs="EPSG:4326"
    ).to_file(grid)
    _run("units", grid, dsn, s, level="grid")
    ewkb = shapely.to_wkb(shapely.set_srid(Point(113.78, 34.73), 4326), hex=True, include_srid=True)
    path = tmp_path / "12345.csv"
    path.write_bytes(
        (
            "工单编号,受理时间,办结时间,办理状态,问题类型,诉求内容,满意度,来源渠道,geom\n"
            f"RX1,26-11-20 08:30,26-11-20 10:00,已办结,暴露垃圾,门口垃圾,满意,网上,{ewkb}\n"
            f"RX2,2026/11/21 09:00,,待受理,Noise,楼上装修,,电话,{ewkb}\n"
            f"RX3,2026/11/21 09:00,,挂起,0503,乱停车,,电话,{ewkb}\n"
        ).encode("gbk")
    )
    report = _run("cases", path, dsn, s, source="hotline")  # EWKB carries its SRID: no --crs needed
    assert report.inserted == 2 and "status '挂起' is not in the status map" in report.rejected[3]
    rows = _one(
        dsn,
        "SELECT external_id, status, category_code, satisfaction, handled_online, grid_id IS NOT NULL, "
        "resolved_at - reported_at, deadline_at - reported_at FROM cases ORDER BY external_id",
    )
    assert [r[:6] for r in rows] == [
        ("RX1", "resolved", "0101", 5, True, True),
        ("RX2", "reported", "99", None, False, True),
    ]
    assert str(rows[0][6]) == "1:30:00" and str(rows[0][7]) == "1 day, 0:00:00"  # 0101: 24 h SLA

    mapping = tmp_path / "status.csv"
    mapping.write_text("source,target\n挂起,accepted\n", encoding="utf-8")
    again = _run("cases", path, dsn, s, source="hotline", status_map=mapping)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (1, 0, 2, {})

    # A category map says what their categories are among ours (keys match whatever the case).
    categories = tmp_path / "categories.json"
    categories.write_text('{"noise": "0102"}', encoding="utf-8")
    mapped = _run("cases", path, dsn, s, source="hotline", status_map=mapping, category_map=categories)
    assert (mapped.inserted, mapped.updated, mapped.unchanged) == (0, 1, 2)
    assert _one(dsn, "SELECT category_code FROM cases WHERE external_id = 'RX2'") == [("0102",)]
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("source,target\nNoise,01\n", encoding="utf-8")  # 01 is a group, not a category
    with pytest.raises(LoadError, match=r"--category-map .*'noise' → '01'.*leaf category"):
        _run("cases", path, dsn, s, source="hotline", category_map=wrong)
    assert _one(dsn, "SELECT category_code FROM cases WHERE external_id = 'RX2'") == [("0102",)]


def test_every_rejection_reason_reads_in_chinese_and_keeps_its_english_text():
    import string

    from geodata.load.reasons import Reason
    from i18n import Message, say, t
    from i18n.load import LOAD

    for key, (_zh, en) in LOAD.items():
        if key.startswith("load.name."):
            continue
        fields = {f for _, f, _, _ in string.Formatter().parse(en) if f}
        values = {f: "x" for f in fields}
        reason = Reason(key.removeprefix("load."), **values)
        assert str(reason) == en.format(**values) and say(reason, "en") == str(reason)
        chinese = say(reason, "zh")
        assert chinese == t(reason, "zh") and any("\u4e00" <= ch <= "\u9fff" for ch in chinese), key
    assert say(Reason("repeats", what="external id", value="A1", first=3)) == "工单编号 'A1' 与第 3 行重复"
    assert say(Reason("step_before_report", step="resolved")) == "办结时间早于上报时间"
    assert t(Message("load.name.community")) == "社区" and say("an older plain text") == "an older plain text"


_CATALOG = [  # what bulk mode sets aside and must put back exactly
    "SELECT tablename, indexdef FROM pg_indexes WHERE tablename IN ('cases', 'case_events') ORDER BY 1, 2",
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint "
    "WHERE conrelid IN ('cases'::regclass, 'case_events'::regclass) ORDER BY 1, 2",
    "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'cases'::regclass AND NOT tgisinternal ORDER BY 1",
    # every month of cases attached again, with an index of each of cases' and each of its constraints
    "SELECT c.relname, c.relispartition, (SELECT count(*) FROM pg_index x WHERE x.indrelid = c.oid), "
    "(SELECT count(*) FROM pg_constraint k WHERE k.conrelid = c.oid), "
    "(SELECT count(*) FROM pg_trigger t WHERE t.tgrelid = c.oid) "
    "FROM pg_class c WHERE c.relname ~ '^cases_(y[0-9]{4}m[0-9]{2}|default)$' ORDER BY 1",
]
_WRITTEN = [  # what a cases load writes, the counters and daily counts included (ids aside)
    "SELECT external_id, status, street_id, community_id, grid_id, exclusive_grid_id, reported_at, closed_at, "
    "deadline_at, satisfaction, ST_AsText(geom) FROM cases ORDER BY external_id",
    "SELECT c.external_id, e.from_status, e.to_status, e.note FROM case_events e JOIN cases c ON c.id = e.case_id "
    "ORDER BY 1, e.id",
    "SELECT unit_id, open_cases FROM unit_stats WHERE open_cases <> 0 ORDER BY 1",
    "SELECT unit_id, category_code, open_cases FROM unit_category_stats WHERE open_cases <> 0 ORDER BY 1, 2",
    "SELECT lvl, street_id, community_id, grid_id, exclusive_grid_id, day, reported, online, ended, resolved, "
    "on_time, rated, satisfied, late_from, late_to FROM case_days ORDER BY 1, 2, 3, 4, 5, 6",
]
_OPEN_BY_UNIT = (
    "SELECT unit_id, count(*) FROM (SELECT unnest(ARRAY[street_id, community_id, grid_id]) AS unit_id FROM cases "
    "WHERE is_open) x WHERE unit_id IS NOT NULL GROUP BY 1 ORDER BY 1"
)


def _hotline_csv(path: Path, rows: int, closed_every: int = 3) -> None:
    """Hotline cases at points of the _hierarchy square and its two grids, some closed."""
    with path.open("w", encoding="gbk", newline="") as out:
        w = csv.writer(out)
        w.writerow(["工单编号", "受理时间", "办结时间", "办理状态", "问题类型", "经度", "纬度"])
        for i in range(rows):
            closed = i % closed_every == 0
            w.writerow(
                [
                    f"BK{i:05d}",
                    f"2026-11-{1 + i % 20:02d} {8 + i % 10}:{i % 60:02d}",
                    f"2026-11-{2 + i % 20:02d} 09:00" if closed else "",
                    "已办结" if closed else "处理中",
                    "暴露垃圾" if i % 2 else "占道经营",
                    f"{113.7705 + (i % 97) * 0.0002:.6f}",
                    f"{34.7205 + (i % 89) * 0.0002:.6f}",
                ]
            )


def test_a_bulk_load_writes_what_the_row_path_writes_and_restores_the_table(empty, load_settings, tmp_path):
    s, dsn = load_settings, empty
    _hierarchy(tmp_path, dsn, s)
    grids = tmp_path / "grids.geojson"
    gpd.GeoDataFrame(
        {"code": ["G1", "G2"], "name": ["一", "二"]},
        geometry=[box(113.77, 34.72, 113.78, 34.74), box(113.78, 34.72, 113.79, 34.74)],
        crs="EPSG:4326",
    ).to_file(grids)
    _run("units", grids, dsn, s, level="grid")
    path = tmp_path / "12345.csv"
    _hotline_csv(path, 600)

    rowwise = _run("cases", path, dsn, s, source="hotline", crs="EPSG:4326", bulk=False)
    assert (rowwise.inserted, rowwise.bulk) == (600, False)
    catalog = [_one(dsn, q) for q in _CATALOG]  # with the month the load made for its cases
    expected = [_one(dsn, q) for q in _WRITTEN]
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "TRUNCATE cases, case_keys, case_events, case_photos, rating_links, inspection_results, notify_steps, "
            "notify_deliveries, user_notices RESTART IDENTITY"
        )  # the triggers empty the counts too
    conn.close()

    dry = _run("cases", path, dsn, s, source="hotline", crs="EPSG:4326", bulk=True, dry_run=True)
    assert (dry.inserted, dry.bulk) == (600, True)
    assert _one(dsn, "SELECT count(*) FROM cases") == [(0,)] and [_one(dsn, q) for q in _CATALOG] == catalog

    bulk = _run("cases", path, dsn, s, source="hotline", crs="EPSG:4326", bulk=True)
    assert (bulk.inserted, bulk.updated, bulk.bulk) == (600, 0, True) and "bulk mode" in bulk.summary()
    assert [_one(dsn, q) for q in _WRITTEN] == expected
    assert [_one(dsn, q) for q in _CATALOG] == catalog
    open_cases = _one(dsn, _OPEN_BY_UNIT)
    assert len(open_cases) == 4 and sum(n for _, n in open_cases) == 3 * 400  # street, community, 2 grids
    assert (
        _one(
            dsn,
            "SELECT unit_id, open_cases FROM unit_stats WHERE unit_id IN (SELECT unit_id FROM ("
            + _OPEN_BY_UNIT
            + ") x) ORDER BY 1",
        )
        == open_cases
    )

    again = _run("cases", path, dsn, s, source="hotline", crs="EPSG:4326", bulk=True)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 600)
    # A later export closes one more case: only it changes, its status change is logged, and the
    # table keeps taking rows through the row path afterwards.
    table = list(csv.reader(path.open(encoding="gbk", newline="")))
    table[2][2:4] = ["2026-11-21 10:00", "已办结"]
    with path.open("w", encoding="gbk", newline="") as out:
        csv.writer(out).writerows(table)
    third = _run("cases", path, dsn, s, source="hotline", crs="EPSG:4326", bulk=True)
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 599)
    events = _one(
        dsn,
        "SELECT e.from_status, e.to_status FROM case_events e JOIN cases c ON c.id = e.case_id "
        "WHERE c.external_id = 'BK00001' ORDER BY e.id",
    )
    assert events == [(None, "accepted"), ("accepted", "resolved")]
    street = "SELECT open_cases FROM unit_stats u JOIN units s ON s.id = u.unit_id WHERE s.code = 'S1'"
    assert _one(dsn, street) == [(399,)]
    assert [_one(dsn, q) for q in _CATALOG] == catalog


def test_years_of_history_load_month_by_month_and_count_as_the_triggers_would(empty, load_settings, tmp_path):
    """A bulk load of three old months (set aside, filled, indexed, attached) and a few cases of a
    month that holds many more (through cases, indexes in place): the months stay attached with
    every index, and the daily counts and open-case counters equal a count from scratch."""
    s, dsn = load_settings, empty
    _hierarchy(tmp_path, dsn, s)
    recent = tmp_path / "recent.csv"
    _hotline_csv(recent, 600)  # November 2026
    assert _run("cases", recent, dsn, s, source="hotline", crs="EPSG:4326", bulk=False).inserted == 600
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("ANALYZE cases")  # the month's rows as the planner knows them
    conn.close()
    history = tmp_path / "history.csv"
    with history.open("w", encoding="gbk", newline="") as out:
        w = csv.writer(out)
        w.writerow(["工单编号", "受理时间", "办结时间", "办理状态", "问题类型", "经度", "纬度"])
        for i in range(900):
            month, day = 1 + i % 3, 1 + i % 27
            closed = i % 4 != 0
            w.writerow(
                [
                    f"H{i:05d}",
                    f"2015-{month:02d}-{day:02d} 10:{i % 60:02d}",
                    f"2015-{month:02d}-{day + 1:02d} 09:00" if closed else "",
                    "已办结" if closed else "处理中",
                    "暴露垃圾",
                    f"{113.7705 + (i % 97) * 0.0002:.6f}",
                    f"{34.7205 + (i % 89) * 0.0002:.6f}",
                ]
            )
        for i in range(20):  # a few more of November, which holds 600
            w.writerow([f"N{i:05d}", f"2026-11-{1 + i:02d} 11:00", "", "处理中", "占道经营", "113.7801", "34.7301"])
    loaded = _run("cases", history, dsn, s, source="hotline", crs="EPSG:4326", bulk=True)
    assert (loaded.inserted, loaded.updated, loaded.bulk) == (920, 0, True)
    # then more November cases than it holds: the month is set aside with its 620 inside
    more = tmp_path / "more.csv"
    with more.open("w", encoding="gbk", newline="") as out:
        w = csv.writer(out)
        w.writerow(["工单编号", "受理时间", "办结时间", "办理状态", "问题类型", "经度", "纬度"])
        for i in range(700):
            w.writerow(
                [
                    f"M{i:05d}",
                    f"2026-11-{1 + i % 20:02d} 12:{i % 60:02d}",
                    "2026-11-25 09:00",
                    "已办结",
                    "占道经营",
                    f"{113.7705 + (i % 97) * 0.0002:.6f}",
                    f"{34.7205 + (i % 89) * 0.0002:.6f}",
                ]
            )
    assert _run("cases", more, dsn, s, source="hotline", crs="EPSG:4326", bulk=True).inserted == 700
    parts = dict(_one(dsn, "SELECT tableoid::regclass::text, count(*) FROM cases GROUP BY 1"))
    assert parts == {"cases_y2015m01": 300, "cases_y2015m02": 300, "cases_y2015m03": 300, "cases_y2026m11": 1320}
    indexes = "SELECT count(*) FROM pg_index WHERE indrelid = %s::regclass"
    assert {_one(dsn, indexes, (t,))[0][0] for t in parts} == {_one(dsn, indexes, ("cases_default",))[0][0]}
    assert _one(
        dsn,
        "SELECT count(*) FROM case_events WHERE case_id IN (SELECT id FROM cases "
        "WHERE external_id LIKE 'H%%' OR external_id LIKE 'N%%' OR external_id LIKE 'M%%')",
    ) == [(1620,)]
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT case_days_query('SELECT 1 AS sign, * FROM cases')")
        fresh = cur.fetchone()[0]
        cur.execute(f"""SELECT count(*) FROM (
            (SELECT lvl, street_id, community_id, grid_id, exclusive_grid_id, city_id, district_id, micro_id, day,
                    reported, online, ended, resolved, on_time, rated, satisfied, late_from, late_to
               FROM case_days WHERE reported <> 0 OR online <> 0 OR ended <> 0 OR resolved <> 0 OR on_time <> 0
                 OR rated <> 0 OR satisfied <> 0 OR late_from <> 0 OR late_to <> 0
             EXCEPT ({fresh}))
            UNION ALL (({fresh}) EXCEPT SELECT lvl, street_id, community_id, grid_id, exclusive_grid_id, city_id,
                    district_id, micro_id, day, reported, online, ended, resolved, on_time, rated, satisfied,
                    late_from, late_to FROM case_days)) x""")
        assert cur.fetchone()[0] == 0
    conn.close()
    counted = "SELECT unit_id, open_cases FROM unit_stats WHERE unit_id IN (SELECT unit_id FROM ({}) x) ORDER BY 1"
    assert _one(dsn, counted.format(_OPEN_BY_UNIT)) == _one(dsn, _OPEN_BY_UNIT)


def test_a_large_first_load_chooses_bulk_mode(empty, load_settings, tmp_path, monkeypatch):
    s, dsn = load_settings, empty
    _hierarchy(tmp_path, dsn, s)
    path = tmp_path / "12345.csv"
    _hotline_csv(path, 300)
    from geodata.load import rows

    monkeypatch.setattr(rows, "BULK_MIN_ROWS", 200)
    first = _run("cases", path, dsn, s, source="hotline", crs="EPSG:4326")
    assert (first.inserted, first.bulk) == (300, True)  # 300 rows into an empty table
    second = _run("cases", path, dsn, s, source="app", crs="EPSG:4326")
    assert (second.inserted, second.bulk) == (300, True)  # 300 rows, the table held 300
    _hotline_csv(path, 250)
    third = _run("cases", path, dsn, s, source="patrol", crs="EPSG:4326")
    assert (third.inserted, third.bulk) == (250, False)  # 250 rows into 600


# ---- loads never lose data; the loader says what it understood ------------------------------------

_HEAD = "工单编号,受理时间,结案时间,办理状态,问题类型,诉求内容,地址,经度,纬度"


def _hotline(path: Path, lines: list[str], head: str = _HEAD) -> Path:
    path.write_text(head + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _cases_now(dsn: str) -> list[tuple]:
    return _one(
        dsn,
        "SELECT external_id, status, closed_at IS NOT NULL, description, source_status, source_category "
        "FROM cases ORDER BY external_id",
    )


def test_a_reload_without_statuses_changes_nothing_but_what_the_file_says(empty, load_settings, tmp_path):
    s, dsn = load_settings, empty
    _hierarchy(tmp_path, dsn, s)
    first = _hotline(
        tmp_path / "first.csv",
        [
            "H1,2026/11/20 08:30,2026/11/21 10:00,已结案,Homeless Encampment,帐篷,A &amp; B 路口,113.78,34.73",
            "H2,2026/11/20 09:00,,处理中,Noise,装修,滨河路,113.78,34.73",
        ],
    )
    assert _run("cases", first, dsn, s, crs="EPSG:4326").inserted == 2
    before = _cases_now(dsn)
    assert before == [
        ("H1", "closed", True, "帐篷", "已结案", "Homeless Encampment"),
        ("H2", "accepted", False, "装修", "处理中", "Noise"),
    ]
    assert _one(dsn, "SELECT address FROM cases WHERE external_id = 'H1'") == [("A & B 路口",)]  # entity decoded
    events = _one(dsn, "SELECT count(*) FROM case_events")

    # A later export with no status column and no closing time for H1; H2's description changed.
    later = _hotline(
        tmp_path / "later.csv",
        [
            "H1,2026/11/20 08:30,,Homeless Encampment,帐篷,A & B 路口,113.78,34.73",
            "H2,2026/11/20 09:00,,Noise,装修（已补充）,滨河路,113.78,34.73",
        ],
        head="工单编号,受理时间,结案时间,问题类型,诉求内容,地址,经度,纬度",
    )
    again = _run("cases", later, dsn, s, crs="EPSG:4326")
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 1)
    assert any("cases already loaded keep their status" in n for n in again.notes)
    assert _cases_now(dsn) == [before[0], ("H2", "accepted", False, "装修（已补充）", "处理中", "Noise")]
    assert _one(dsn, "SELECT count(*) FROM case_events") == events  # no status moved, none logged


def test_a_first_load_without_statuses_closes_what_has_a_closing_time(empty, load_settings, tmp_path):
    s, dsn = load_settings, empty
    _hierarchy(tmp_path, dsn, s)
    path = _hotline(
        tmp_path / "export.csv",
        [
            "N1,2026/11/20 08:30,2026/11/21 10:00,0101,垃圾,东路,113.78,34.73",
            # a closing date without its time, on the day of the report: the end of that day
            "N2,2026/11/20 14:30,2026/11/20,0101,垃圾,西路,113.78,34.73",
            "N3,2026/11/20 09:00,,0101,垃圾,北路,113.78,34.73",
        ],
        head="工单编号,受理时间,结案时间,问题类型,诉求内容,地址,经度,纬度",
    )
    report = _run("cases", path, dsn, s, crs="EPSG:4326")
    assert (report.inserted, report.rejected) == (3, {})
    assert [r[:3] for r in _cases_now(dsn)] == [
        ("N1", "closed", True),
        ("N2", "closed", True),
        ("N3", "reported", False),
    ]
    assert any("2 closed, 1 reported" in n or "1 reported, 2 closed" in n for n in report.notes), report.notes
    assert any("a date without a time" in n for n in report.notes)
    # 2026-11-20 23:59:59 in Beijing
    assert _one(dsn, "SELECT closed_at FROM cases WHERE external_id = 'N2'") == [
        (datetime(2026, 11, 20, 15, 59, 59, tzinfo=UTC),)
    ]


def test_backward_status_moves_are_reported_not_applied_unless_asked(empty, load_settings, tmp_path):
    s, dsn = load_settings, empty
    _hierarchy(tmp_path, dsn, s)
    closed = _hotline(
        tmp_path / "closed.csv", ["B1,2026/11/20 08:30,2026/11/21 10:00,已结案,0101,垃圾,东路,113.78,34.73"]
    )
    _run("cases", closed, dsn, s, crs="EPSG:4326")
    reopened = _hotline(tmp_path / "reopened.csv", ["B1,2026/11/20 08:30,,待受理,0101,垃圾,东路,113.78,34.73"])

    held = _run("cases", reopened, dsn, s, crs="EPSG:4326")
    assert any("1 status changes move cases backwards" in n and "B1 (closed → reported)" in n for n in held.notes)
    assert [r[:3] for r in _cases_now(dsn)] == [("B1", "closed", True)]
    assert _one(dsn, "SELECT count(*) FROM case_events") == [(1,)]

    applied = _run("cases", reopened, dsn, s, crs="EPSG:4326", allow_backward=True)
    assert applied.updated == 1 and any("applied;" in n for n in applied.notes)
    assert [r[:3] for r in _cases_now(dsn)] == [("B1", "reported", False)]
    assert _one(dsn, "SELECT from_status, to_status FROM case_events ORDER BY id") == [
        (None, "closed"),
        ("closed", "reported"),
    ]


def test_the_loader_says_what_it_understood_and_refuses_a_file_without_header(empty, load_settings, tmp_path):
    s, dsn = load_settings, empty
    _hierarchy(tmp_path, dsn, s)
    path = _hotline(tmp_path / "u.csv", ["U1,2026/11/20 08:30,,已受理,0101,垃圾,东路,113.78,34.73"])
    report = _run("cases", path, dsn, s, crs="EPSG:4326", dry_run=True)
    lines = report.summary().splitlines()
    assert lines[0] == "understood: column external_id: '工单编号'"
    assert {"understood: frame: EPSG:4326", "understood: time zone: Asia/Shanghai"} <= set(lines)
    counts_at = next(i for i, line in enumerate(lines) if " read, " in line)
    assert lines.index("understood: column status: '办理状态'") < counts_at
    assert _one(dsn, "SELECT count(*) FROM cases") == [(0,)]

    bare = tmp_path / "bare.csv"
    bare.write_text("U1,2026/11/20 08:30,噪音扰民,滨河路旁边的小区门口,113.78,34.73\n", encoding="utf-8")
    with pytest.raises(LoadError, match="has no header row"):
        _run("cases", bare, dsn, s, crs="EPSG:4326")


def test_loading_into_a_database_never_set_up_says_to_run_setup(load_settings, tmp_path):
    from geodata.ops.cluster import Cluster
    from geodata.roles import OWNER_ROLE, SUPERUSER

    if load_settings.database_url:
        pytest.skip("creating a database needs the embedded cluster's superuser")
    cluster = Cluster(load_settings)
    conn = psycopg2.connect(cluster.dsn(SUPERUSER, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("DROP DATABASE IF EXISTS gridops_never_set_up")
        cur.execute(f"CREATE DATABASE gridops_never_set_up OWNER {OWNER_ROLE}")
    try:
        path = _hotline(tmp_path / "c.csv", ["X1,2026/11/20 08:30,,已受理,0101,垃圾,东路,113.78,34.73"])
        bare = psycopg2.extensions.make_dsn(load_settings.admin_dsn(), dbname="gridops_never_set_up")
        with pytest.raises(LoadError, match="run gridops setup"):
            _run("cases", path, bare, load_settings, crs="EPSG:4326")
    finally:
        with conn.cursor() as cur:
            cur.execute("DROP DATABASE IF EXISTS gridops_never_set_up WITH (FORCE)")
        conn.close()


def test_a_city_loaded_from_its_own_files_names_and_frames_itself(empty, load_settings, tmp_path):
    """Henan's districts (GCJ-02) as the territory, cases inside two of them: the header, the wall,
    the HTML export's title and every map's extent come from the loaded units, not from 经开区."""
    import json
    import re

    import requests

    from geodata import territory
    from geodata.accounts import users
    from geodata.db import Database
    from layers.viewport import fit
    from tests import dash_calls, signin
    from tests.conftest import TEST_SECRET
    from tests.server import serve

    s, dsn = load_settings, empty
    _run("units", HENAN, dsn, s, crs="gcj02")
    inside = _one(
        dsn,
        "SELECT code, ST_X(p), ST_Y(p) FROM (SELECT code, (ST_DumpPoints(ST_GeneratePoints(geom, 20, 7))).geom AS p "
        "FROM units WHERE code IN ('410105', '410102')) x ORDER BY code",
    )
    lines = [
        f"HN{i},2026/11/20 08:{i % 60:02d},,已受理,0101,垃圾,路口,{lon:.6f},{lat:.6f}"
        for i, (_, lon, lat) in enumerate(inside)
    ]
    report = _run("cases", _hotline(tmp_path / "henan-cases.csv", lines), dsn, s, crs="EPSG:4326")
    assert (report.inserted, report.rejected) == (40, {})

    db = Database(dsn)
    found = territory.current(db)
    first = _one(dsn, "SELECT name FROM units WHERE parent_id IS NULL ORDER BY code LIMIT 1")[0][0]
    assert found.count == 158 and territory.name(db, "zh") == f"{first}等158个区域"
    lon0, lat0, lon1, lat1 = found.bounds
    assert 110 < lon0 < lon1 < 117 and 31 < lat0 < lat1 < 37  # Henan, not one district of Zhengzhou
    view = fit(found.bounds, 1500, 1000)
    assert 112 < view["center"]["lon"] < 115 and 32 < view["center"]["lat"] < 35 and view["zoom"] < 8

    users.create(db, "henan-admin", "henan-password-1", "admin", "410105", "河南管理员")
    proc, url = serve({"GRIDOPS_SECRET_KEY": TEST_SECRET, "GRIDOPS_DB_NAME": s.db_name})
    try:
        http = signin.session(url, "henan-admin", "henan-password-1")
        output, spec = dash_calls.router_spec(http, url)
        for path in ("/", "/wall", "/analyst"):
            page = http.post(f"{url}/_dash-update-component", json=dash_calls.router(output, spec, path), timeout=60)
            shown = json.dumps(page.json(), ensure_ascii=False)
            assert f"{first}等158个区域" in shown and "经开区" not in shown, path
            if path == "/":  # only the layers the city has: its districts, no streets, grids or roads
                assert "区县边界" in shown and "办事处边界" not in shown and "社区边界" not in shown
                assert '"label": "道路"' not in shown and '"label": "网格"' not in shown
        export = http.get(f"{url}/analyst/export.html?layer=cases", timeout=120)
        assert export.ok and f"{first}等158个区域" in export.text
        lat, lon = map(float, re.search(r"center:\s*\[\s*([\d.]+),\s*([\d.]+)\s*\]", export.text).groups())
        assert 31 < lat < 37 and 110 < lon < 117  # the export opens on Henan
        named = serve(
            {"GRIDOPS_SECRET_KEY": TEST_SECRET, "GRIDOPS_DB_NAME": s.db_name, "GRIDOPS_TERRITORY_NAME": "河南省"}
        )
        try:
            login = requests.get(f"{named[1]}/login", timeout=20)
            assert login.ok
            other = signin.session(named[1], "henan-admin", "henan-password-1")
            imports = other.get(f"{named[1]}/import", timeout=20)
            assert ">河南省<" in imports.text and "经开区" not in imports.text
        finally:
            named[0].terminate()
            named[0].wait(timeout=10)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
