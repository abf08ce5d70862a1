"""Hostile and awkward inputs are refused before anything is written: one line, what to do."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from geodata.errors import LoadError
from geodata.load.cli import main
from geodata.load.fields import DEFAULT_STATUS_MAP, detect_columns, map_status, parse_times
from geodata.load.read import open_input, read_table
from settings import get_settings
from tests.conftest import ROOT

HENAN = ROOT.parent / "shared" / "data" / "amap_gcj02_henan_shp" / "henan.shp"


def _settings(**limits):
    return get_settings().model_copy(update=limits)


def _refused(path: Path, tmp_path: Path, match: str, **limits) -> str:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    with pytest.raises(LoadError, match=match) as info:
        read_table(open_input(path, _settings(**limits), work))
    message = str(info.value)
    assert "\n" not in message
    return message


def _zip(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_zip_bombs_are_refused_unread(tmp_path):
    bomb = _zip(tmp_path / "bomb.zip", {"cases.csv": b"0" * (50 << 20)})
    _refused(bomb, tmp_path, "expands .*-fold .*zip bomb")
    _refused(bomb, tmp_path, "declares 52,428,800 bytes uncompressed", import_max_bytes=10 << 20)
    many = _zip(tmp_path / "many.zip", {f"f{i}.txt": b"x" for i in range(100)})
    _refused(many, tmp_path, "holds 100 entries", import_max_entries=64)


@pytest.mark.parametrize("name", ["../evil.csv", "/etc/evil.csv", "a/../../evil.csv", "C:/evil.csv"])
def test_member_names_leaving_the_archive_are_refused(tmp_path, name):
    archive = _zip(tmp_path / "t.zip", {name: b"lon,lat\n1,2\n"})
    _refused(archive, tmp_path, "points outside the archive")
    assert not (tmp_path / "evil.csv").exists()


def test_files_over_the_size_limit_are_refused(tmp_path):
    big = tmp_path / "big.csv"
    big.write_bytes(b"lon,lat\n" + b"113.7,34.7\n" * 2000)
    _refused(big, tmp_path, "over the limit of 1,000 .*GRIDOPS_IMPORT_MAX_BYTES", import_max_bytes=1000)


def test_binary_junk_and_headerless_csvs_are_refused(tmp_path):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(os.urandom(20_000))
    _refused(junk, tmp_path, "not a text CSV")
    headless = tmp_path / "headless.csv"
    headless.write_text("113.78,34.73,1\n113.79,34.74,2\n", encoding="utf-8")
    _refused(headless, tmp_path, "has no header row")


def test_a_truncated_shapefile_is_refused(tmp_path):
    for part in ("shp", "shx", "dbf", "prj"):
        shutil.copy(HENAN.with_suffix(f".{part}"), tmp_path / f"henan.{part}")
    shp = tmp_path / "henan.shp"
    shp.write_bytes(shp.read_bytes()[: shp.stat().st_size // 2])
    _refused(shp, tmp_path, r"henan.shp is truncated \(764,074 of 1,528,148 bytes\)")
    zipped = _zip(tmp_path / "henan.zip", {p.name: p.read_bytes() for p in tmp_path.glob("henan.*")})
    _refused(zipped, tmp_path, "is truncated")


def test_a_zipped_shapefile_reads_as_chinese(tmp_path):
    members = {f"henan/henan.{p}": HENAN.with_suffix(f".{p}").read_bytes() for p in ("shp", "shx", "dbf", "prj")}
    table = read_table(open_input(_zip(tmp_path / "h.zip", members), _settings(), tmp_path))
    assert table.encoding == "UTF-8" and "金水区" in set(table.frame["name"]) and table.crs == "EPSG:4326"


def test_dbf_encoding_honours_cpg_and_tells_gbk_from_utf8(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    frame = gpd.GeoDataFrame({"名称": ["金水区"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    frame.to_file(tmp_path / "gbk.shp", encoding="gbk")
    (tmp_path / "gbk.cpg").unlink(missing_ok=True)
    assert read_table(tmp_path / "gbk.shp").frame.iloc[0, 0] == "金水区"
    (tmp_path / "gbk.cpg").write_text("936")
    assert read_table(tmp_path / "gbk.shp").encoding == "GBK"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    path = tmp_path / "c.csv"
    path.write_bytes("编号,名称,经度,纬度\nA1,金水区,113.7,34.7\n".encode(encoding))
    table = read_table(path)
    assert list(table.frame.columns) == ["编号", "名称", "经度", "纬度"] and table.frame.iloc[0, 1] == "金水区"


def test_common_headers_are_recognised():
    nyc = [
        "Unique Key",
        "Created Date",
        "Closed Date",
        "Complaint Type",
        "Status",
        "X Coordinate (State Plane)",
        "Y Coordinate (State Plane)",
        "Latitude",
        "Longitude",
    ]
    cols = detect_columns(nyc, "cases", {})
    assert (cols["external_id"], cols["reported_at"], cols["closed_at"]) == (
        "Unique Key",
        "Created Date",
        "Closed Date",
    )
    assert (cols["lon"], cols["lat"], cols["category"]) == ("Longitude", "Latitude", "Complaint Type")
    zh = detect_columns(["工单编号", "受理时间", "办理状态", "经度(lon)", "纬度(lat)", "问题类型"], "cases", {})
    assert (zh["external_id"], zh["lon"], zh["lat"], zh["status"]) == ("工单编号", "经度(lon)", "纬度(lat)", "办理状态")
    assert detect_columns(["X", "Y", "NAME"], "cameras", {"code": "NAME"}) == {"code": "NAME", "lon": "X", "lat": "Y"}
    with pytest.raises(LoadError, match="no column 'GPS_X'"):
        detect_columns(["X"], "cameras", {"lon": "GPS_X"})


def test_times_in_many_spellings():
    values = pd.Series(["02/17/2020 12:19:00 PM", "02/17/2020 12:19:00 AM", "", "nonsense"])
    got, bad = parse_times(values, "America/New_York")
    assert str(got[0]) == "2020-02-17 17:19:00+00:00" and str(got[1]) == "2020-02-17 05:19:00+00:00"
    assert pd.isna(got[2]) and list(bad) == [False, False, False, True]
    short, _ = parse_times(pd.Series(["11/22/26 08:30", "01/02/99 23:59"]), "Asia/Shanghai")
    assert str(short[0]) == "2026-11-22 00:30:00+00:00" and str(short[1]) == "1999-01-02 15:59:00+00:00"
    zh, _ = parse_times(pd.Series(["2026年11月22日 08:30", "2026-11-22T08:30:00+08:00"]), "Asia/Shanghai")
    assert str(zh[0]) == str(zh[1]) == "2026-11-22 00:30:00+00:00"


def test_statuses_map_onto_the_lifecycle():
    raw = pd.Series(
        [
            "Open",
            "In Progress",
            "Pending",
            "Assigned",
            "Started",
            "Closed",
            "Unspecified",
            "待受理",
            "已派单",
            "处理中",
            "已办结",
            "已关闭",
            "Lost",
        ]
    )
    got, unknown = map_status(raw, DEFAULT_STATUS_MAP)
    assert got.tolist()[:-1] == [
        "reported",
        "accepted",
        "dispatched",
        "dispatched",
        "accepted",
        "closed",
        "reported",
        "reported",
        "dispatched",
        "accepted",
        "resolved",
        "closed",
    ]
    assert list(unknown) == [False] * 12 + [True]


def test_command_line_errors_are_one_line_with_a_non_zero_exit(tmp_path, capsys):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01\x02" * 1000)
    csvfile = tmp_path / "points.csv"
    csvfile.write_text("code,lon,lat\nA,113.7,34.7\n", encoding="utf-8")
    for argv, expected in [
        (["cases", str(junk)], "not a text CSV"),
        (["cameras", str(csvfile)], "does not say which coordinate system"),
        (["cameras", str(csvfile), "--crs", "EPSG:999999"], "not a coordinate system"),
        (["cases", str(tmp_path / "missing.csv")], "does not exist"),
        (["cases", str(csvfile), "--map", "lon"], "write OUR_FIELD=THEIR_COLUMN"),
        (["cases", str(csvfile), "--level", "planet"], "invalid choice: 'planet'"),
    ]:
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse exits by itself
            code = exc.code
        assert code == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and expected in err and err.count("\n") == 1, err
