"""A city of districts alone, from its own files: New York's five boroughs and its 311 requests
loaded into an empty database, as a data steward would. Every page and the API show the cases at
the level they were loaded, and a user scoped to one borough sees none of another's: the API, the
pages, the callbacks behind them, the exports and the map tiles."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import psycopg2
import requests

import ids
from geodata import units
from geodata.accounts import apikeys, users
from geodata.db import Database
from tests import dash_calls, signin
from tests.conftest import TEST_SECRET
from tests.server import serve
from tests.test_load import NYC, _one, _run

PASSWORD = "borough-password-1"


def _kpi(answer, key: str) -> str | None:
    """The shown value of KPI ``key`` in a callback's answer (the kpi-value of its card)."""
    if isinstance(answer, dict):
        props = answer.get("props", {})
        if f"kpi-{key}" in str(props.get("className", "")).split():
            for part in props.get("children", []):
                if isinstance(part, dict) and part.get("props", {}).get("className") == "kpi-value":
                    return part["props"]["children"]
        found = (_kpi(v, key) for v in answer.values())
    elif isinstance(answer, list):
        found = (_kpi(v, key) for v in answer)
    else:
        return None
    return next((f for f in found if f is not None), None)


def _call(http, url: str, needle: str, values: dict) -> dict:
    """The response of the callback whose outputs name ``needle``, with ``values`` as its inputs."""
    deps = http.get(f"{url}/_dash-dependencies", timeout=20).json()
    dep = next(d for d in deps if needle in d["output"])
    r = http.post(f"{url}/_dash-update-component", json=dash_calls.body(dep["output"], dep, values), timeout=60)
    assert r.status_code in (200, 204), (needle, r.status_code, r.text[:300])
    return r.json()["response"] if r.status_code == 200 else {}


def _wall(http, url: str, scope: str | None) -> dict:
    return _call(
        http,
        url,
        f"{ids.WALL_KPIS}.children",
        {(ids.WALL_TICK, "n_intervals"): 0, (ids.WALL_SCOPE, "data"): scope, (ids.WALL_SCREEN, "data"): 1920},
    )


def _unit(http, url: str, code: str) -> dict:
    return _call(
        http,
        url,
        f"{ids.UNIT_STATE}.data",
        {
            (ids.UNIT_TICK, "n_intervals"): 0,
            (ids.UNIT_NAV, "href"): f"/unit/{code}",
            (ids.LANG, "data"): "zh",
            (ids.UNIT_TREND_DAYS, "value"): 30,
        },
    )


def test_a_city_of_districts_shows_its_cases_and_keeps_each_district_to_itself(empty, load_settings):
    # The city's own time zone as the territory's setting: times without a zone are read in it.
    s, dsn = load_settings.model_copy(update={"territory_tz": "America/New_York"}), empty
    _run("units", NYC / "nyc.geojson", dsn, s, level="district", repair=True)
    report = _run("cases", NYC / "311.csv", dsn, s, crs="EPSG:4326")
    assert report.inserted == 5837 and ("time_zone", "", "America/New_York") in report.understood
    # Row 1: "02/17/2020 12:19:00 PM" in New York is 17:19 UTC.
    assert _one(dsn, "SELECT reported_at FROM cases WHERE external_id = '45633481'") == [
        (datetime(2020, 2, 17, 17, 19, tzinfo=UTC),)
    ]

    # Every case is attributed to its borough at ingest, and the counters count it there.
    assert _one(dsn, "SELECT count(*) FROM cases WHERE district_id IS NULL") == [(0,)]
    boroughs = _one(
        dsn,
        "SELECT u.code, u.name, count(c.id) FILTER (WHERE c.is_open), count(c.id) "
        "FROM units u LEFT JOIN cases c ON c.district_id = u.id GROUP BY 1, 2 ORDER BY 1",
    )
    assert len(boroughs) == 5 and all(n > 0 for *_, n in boroughs)
    open_by = {code: n for code, _, n, _ in boroughs}
    code_of = {name: code for code, name, _, _ in boroughs}
    assert dict(_one(dsn, "SELECT u.code, s.open_cases FROM unit_stats s JOIN units u ON u.id = s.unit_id")) == open_by
    total = sum(open_by.values())
    bk, qn = code_of["Brooklyn"], code_of["Queens"]

    db = Database(dsn)
    users.create(db, "nyc-admin", PASSWORD, "admin", units.TERRITORY_CODE, "纽约管理员")
    users.create(db, "bk-desk", PASSWORD, "district", bk, "布鲁克林值班员")
    users.create(db, "qn-admin", PASSWORD, "admin", qn, "皇后区管理员")  # admin sees every district
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT c.id, c.description FROM cases c JOIN units u ON u.id = c.district_id "
            "WHERE u.code = %s AND c.description IS NOT NULL ORDER BY c.id LIMIT 1",
            (qn,),
        )
        queens_case, queens_text = cur.fetchone()
    conn.close()

    served = {
        "GRIDOPS_SECRET_KEY": TEST_SECRET,
        "GRIDOPS_DB_NAME": s.db_name,
        "GRIDOPS_TERRITORY_TZ": "America/New_York",
    }
    proc, url = serve(served)
    try:
        admin = signin.session(url, "nyc-admin", PASSWORD)
        assert 'value="America/New_York"' in admin.get(f"{url}/import", timeout=30).text  # /import's default zone
        # The wall of the whole territory: every borough's open cases, ranked by borough.
        wall = _wall(admin, url, None)
        assert _kpi(wall, "open") == f"{total:,}"
        assert wall[f"{ids.WALL_RANKING}-title"]["children"] == "区县综合排名"
        ranking = json.dumps(wall[ids.WALL_RANKING], ensure_ascii=False)
        assert all(name in ranking for name in code_of)
        # A borough's own wall and drill-down.
        assert _kpi(_wall(admin, url, bk), "open") == f"{open_by[bk]:,}"
        page = _unit(admin, url, bk)
        assert page[ids.UNIT_VIEW]["className"] == "unit-view level-district leaf"  # no streets: nothing to rank
        crumbs = json.dumps(page[ids.UNIT_CRUMBS], ensure_ascii=False)
        assert crumbs.index("全域") < crumbs.index("Brooklyn")  # the whole territory above the borough
        assert _kpi(page, "open") == f"{open_by[bk]:,}"
        top = _unit(admin, url, units.TERRITORY_CODE)
        assert _kpi(top, "open") == f"{total:,}"
        # The one map colours the boroughs by their open cases.
        one_map = _call(
            admin,
            url,
            f"{ids.MAP_STATE}.data",
            {(ids.MAP_TICK, "n_intervals"): 0, (ids.LANG, "data"): "zh", (ids.LAYER_TOGGLES, "value"): ["grids"]},
        )
        coloured = next(tr for tr in one_map[ids.MAP]["figure"]["data"] if tr.get("name") == "grids")
        assert sorted(o for o, _ in coloured["customdata"]) == sorted(open_by.values())
        # The API, by borough.
        listed = admin.get(f"{url}/api/v1/cases", params={"unit": bk, "open": "true", "limit": 500}, timeout=30)
        assert listed.ok and {c["district_code"] for c in listed.json()["items"]} == {bk}
        assert len(listed.json()["items"]) == min(open_by[bk], 500)

        # An admin whose scope unit is one borough still sees the others, and the whole territory.
        other_admin = signin.session(url, "qn-admin", PASSWORD)
        assert _kpi(_unit(other_admin, url, bk), "open") == f"{open_by[bk]:,}"
        assert _kpi(_wall(other_admin, url, None), "open") == f"{total:,}"
        top = other_admin.get(f"{url}/unit", allow_redirects=False, timeout=30)
        assert top.status_code == 302 and top.headers["Location"] == f"/unit/{units.TERRITORY_CODE}"

        # One borough's user: their own borough only, whatever they ask for.
        desk = signin.session(url, "bk-desk", PASSWORD)
        assert _kpi(_wall(desk, url, None), "open") == f"{open_by[bk]:,}"
        assert _kpi(_wall(desk, url, qn), "open") == f"{open_by[bk]:,}"  # another borough: their own instead
        assert _unit(desk, url, qn)[ids.UNIT_VIEW]["className"] == "unit-view missing"
        assert _unit(desk, url, units.TERRITORY_CODE)[ids.UNIT_VIEW]["className"] == "unit-view missing"
        assert _kpi(_unit(desk, url, bk), "open") == f"{open_by[bk]:,}"
        mine = desk.get(f"{url}/api/v1/cases", params={"limit": 500}, timeout=30).json()["items"]
        assert mine and {c["district_code"] for c in mine} == {bk}
        assert desk.get(f"{url}/api/v1/cases", params={"unit": qn}, timeout=30).status_code == 400
        assert desk.get(f"{url}/api/v1/cases/{queens_case}", timeout=30).status_code == 404
        assert desk.get(f"{url}/case/{queens_case}", timeout=30).ok  # the page shell; its callback refuses
        case_view = _call(desk, url, f"{ids.CASE_BODY}.children", {(ids.CASE_REF, "data"): {"id": queens_case}})
        assert queens_text not in json.dumps(case_view, ensure_ascii=False)
        page = desk.get(f"{url}/", allow_redirects=False, timeout=30)
        assert page.status_code == 302 and page.headers["Location"] == f"/unit/{bk}"
        exported = desk.get(f"{url}/analyst/export.csv?layer=cases", timeout=120)
        assert exported.ok and exported.content.decode("utf-8-sig").count("\r\n") - 1 == sum(
            n for code, _, _, n in boroughs if code == bk
        )
        assert queens_text not in exported.content.decode("utf-8-sig")
        assert desk.get(f"{url}/tiles/grids/10/301/385.pbf", timeout=30).status_code == 403

        # A case taken in through the API lands in its borough (the territory is its top-level units).
        key = apikeys.create(db, "nyc-311", ["hotline"])
        body = {"external_id": "API-BK-1", "category": "0103", "lon": -73.95, "lat": 40.65, "description": "路面脏"}
        made = requests.post(f"{url}/api/v1/cases", json=body, headers={"X-API-Key": key}, timeout=30)
        assert made.status_code == 201 and made.json()["case"]["district_code"] == bk
        body |= {"external_id": "API-SEA-1", "lon": -73.5, "lat": 40.3}  # the Atlantic, off every borough
        assert (
            requests.post(f"{url}/api/v1/cases", json=body, headers={"X-API-Key": key}, timeout=30).status_code == 422
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_every_level_from_city_to_micro_grid_counts_its_facts(empty, load_settings, tmp_path):
    """A city above its district and a micro-grid below a grid: a case is attributed to the deepest
    unit that holds it and to every unit above, and each level's counters, KPIs and scope see it."""
    import geopandas as gpd
    from shapely.geometry import box

    from geodata import drilldown, kpis
    from tests.test_load import _hotline

    s, dsn = load_settings, empty
    square = box(113.77, 34.72, 113.79, 34.74)
    shapes = [
        ("city", "Y1", "测试市", square),
        ("district", "D1", "测试区", square),
        ("street", "S1", "测试街道", square),
        ("community", "C1", "测试社区", square),
        ("grid", "G1", "西网格", box(113.77, 34.72, 113.78, 34.74)),
        ("micro", "M1", "西一微网格", box(113.77, 34.72, 113.775, 34.73)),
    ]
    for level, code, name, geom in shapes:
        path = tmp_path / f"{level}.geojson"
        gpd.GeoDataFrame({"编码": [code], "名称": [name]}, geometry=[geom], crs="EPSG:4326").to_file(path)
        assert _run("units", path, dsn, s, level=level).inserted == 1, level
    # With a city loaded, a district must lie in it: one outside is refused, not made a second top.
    stray = tmp_path / "stray.geojson"
    gpd.GeoDataFrame({"编码": ["D9"], "名称": ["外区"]}, geometry=[box(114.0, 35.0, 114.01, 35.01)]).set_crs(
        "EPSG:4326"
    ).to_file(stray)
    assert _run("units", stray, dsn, s, level="district").inserted == 0

    points = {"in-micro": (113.772, 34.725), "in-grid": (113.777, 34.735), "in-community": (113.785, 34.73)}
    lines = [f"{key},2026/11/20 08:00,,已受理,0101,垃圾,路口,{x},{y}" for key, (x, y) in points.items()]
    assert _run("cases", _hotline(tmp_path / "cases.csv", lines), dsn, s, crs="EPSG:4326").inserted == 3
    ids_of = dict(_one(dsn, "SELECT code, id FROM units"))
    got = {
        external: tuple(row)
        for external, *row in _one(
            dsn,
            "SELECT external_id, city_id, district_id, street_id, community_id, grid_id, micro_id FROM cases",
        )
    }
    y, d, st, c, g, m = (ids_of[k] for k in ("Y1", "D1", "S1", "C1", "G1", "M1"))
    assert got == {
        "in-micro": (y, d, st, c, g, m),
        "in-grid": (y, d, st, c, g, None),
        "in-community": (y, d, st, c, None, None),
    }
    stats = dict(_one(dsn, "SELECT u.code, s.open_cases FROM unit_stats s JOIN units u ON u.id = s.unit_id"))
    assert stats == {"Y1": 3, "D1": 3, "S1": 3, "C1": 3, "G1": 2, "M1": 1}

    db = Database(dsn)
    assert units.top(db).code == "Y1" and units.children(db, units.by_code(db, "Y1"))["code"] == ["D1"]
    for code, n in (("Y1", 3), ("D1", 3), ("G1", 2), ("M1", 1)):
        assert kpis.unit_kpis(db, units.by_code(db, code))["open"].value == n, code
    crumbs = [c.code for c in drilldown.breadcrumbs(db, units.by_code(db, "M1"))]
    assert crumbs == ["Y1", "D1", "S1", "C1", "G1", "M1"]
    ranked = {r.code: r.kpis["open"].value for r in kpis.ranking(db, units.by_code(db, "G1"))}
    assert ranked == {"M1": 1}
