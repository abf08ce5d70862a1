"""The security matrix: every principal × every route and every registered Dash callback × ids in
and out of the principal's scope, against the served app.

Routes are read from the Flask URL map and callbacks from ``app.callback_map``, never listed by
hand: a route or callback added later is in the matrix without editing this file. Each callback is
sent the values its components hold on the pages of three places (a grid of the community user's
own community, a grid of another community of the street user's street, and a grid of another
street), taken from the page layouts as the district renders them.

Marked data is planted in each place: a case's description and a grid's manager and phone. A
leak is a marked value outside the principal's scope in any answer; for a wall token also any
answer of a callback that is not the wall's or the case view's; for anybody not signed in any
answered callback. Server errors fail the matrix too. It prints its size and its leaks, and it
proves it can see: in-scope marks must show up in answers to in-scope requests.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

import psycopg2
import pytest
import requests

from geodata.accounts import apikeys, walltokens
from tests import dash_calls, signin
from tests.conftest import SUMMARY

PLACES = ("A", "B", "C")  # A: community's own; B: same street, other community; C: other street
WALL_OWN = ("wall-", "case-")
WALL_PATHS = re.compile(r"^/(wall/?|case/[^/]+)$")


@dataclass
class Place:
    """One planted place: a grid, one of its cases, and the marks written into them."""

    key: str
    grid: str
    case: int
    marks: list[str] = field(default_factory=list)


@dataclass
class Principal:
    """Who asks: how it signs in, and which places lie outside its scope."""

    name: str
    http: requests.Session
    outside: tuple[str, ...]
    kind: str = "user"  # user, wall, key, anon
    headers: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="module")
def places(admin_dsn_):
    """Three grids with marked data; the marks are taken out again afterwards."""
    conn = psycopg2.connect(admin_dsn_)
    found, saved = {}, []
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "SELECT u.scope_code FROM users u WHERE u.username IN ('street', 'community') ORDER BY u.username DESC"
            )
            street, community = (r[0] for r in cur.fetchall())
            picks = {
                "A": ("c.code = %(community)s", {}),
                "B": ("s.code = %(street)s AND c.code <> %(community)s", {}),
                "C": ("s.code <> %(street)s", {}),
            }
            for key, (where, _) in picks.items():
                cur.execute(
                    f"SELECT g.id, g.code, g.manager, g.phone, k.id, k.description FROM units g "
                    f"JOIN units c ON c.id = g.community_id JOIN units s ON s.id = g.street_id "
                    f"JOIN LATERAL (SELECT id, description FROM cases WHERE grid_id = g.id ORDER BY id LIMIT 1) k "
                    f"ON true "
                    f"WHERE g.level = 'grid' AND g.kind <> 'exclusive' AND {where} ORDER BY g.id LIMIT 1",
                    {"street": street, "community": community},
                )
                gid, code, manager, phone, case_id, description = cur.fetchone()
                tag = uuid.uuid4().hex[:8]
                marks = [f"泄漏标记{key}{tag}", f"标记员{key}{tag}", f"1990{key.encode()[0]:03d}{int(tag[:4], 16):04d}"]
                cur.execute("UPDATE cases SET description = %s WHERE id = %s", (marks[0], case_id))
                cur.execute("UPDATE units SET manager = %s, phone = %s WHERE id = %s", (marks[1], marks[2], gid))
                saved.append((gid, manager, phone, case_id, description))
                found[key] = Place(key, code, case_id, marks)
        yield found
    finally:
        with conn, conn.cursor() as cur:
            for gid, manager, phone, case_id, description in saved:
                cur.execute("UPDATE cases SET description = %s WHERE id = %s", (description, case_id))
                cur.execute("UPDATE units SET manager = %s, phone = %s WHERE id = %s", (manager, phone, gid))
        conn.close()


@pytest.fixture(scope="module")
def principals(server, admin_dsn_) -> list[Principal]:
    from geodata.db import Database

    admin = Database(admin_dsn_)
    try:
        with admin.transaction() as cur:
            cur.execute("SELECT scope_code FROM users WHERE username = 'street'")
            street = cur.fetchone()[0]
            cur.execute("SELECT code FROM units WHERE level = 'district' LIMIT 1")
            district = cur.fetchone()[0]
        walls = {
            "wall-district": walltokens.create(admin, "矩阵大屏区", district),
            "wall-street": walltokens.create(admin, "矩阵大屏街道", street),
        }
        keys = {
            "key": apikeys.create(admin, "矩阵密钥", ["hotline"]),
            "key-transitions": apikeys.create(admin, "矩阵密钥办理", ["patrol"], ["transitions"]),
        }
    finally:
        admin.close()
    roles = (("district", ()), ("analyst", ()), ("admin", ()), ("street", ("C",)), ("community", ("B", "C")))
    found = [Principal(role, signin.session(server, role), out) for role, out in roles]
    for name, token in walls.items():
        kiosk = requests.Session()
        assert kiosk.get(f"{server}/wall?token={token}", timeout=20).ok
        found.append(Principal(name, kiosk, () if name == "wall-district" else ("C",), "wall"))
    for name, key in keys.items():
        found.append(Principal(name, requests.Session(), (), "key", {"X-API-Key": key}))
    found.append(Principal("anonymous", requests.Session(), PLACES, "anon"))
    return found


def _components(tree, into: dict) -> None:
    """Every component's props in a layout (Dash's JSON), by (id, prop)."""
    if isinstance(tree, list):
        for item in tree:
            _components(item, into)
    elif isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict):
            cid = props.get("id")
            if isinstance(cid, str):
                for prop, value in props.items():
                    into.setdefault((cid, prop), value)
            for value in props.values():
                _components(value, into)


def _pages(place: Place) -> list[tuple[str, str]]:
    """(pathname, search) of every page, set to a place."""
    return [
        ("/", ""),
        (f"/unit/{place.grid}", ""),
        (f"/case/{place.case}", ""),
        ("/wall", f"?unit={place.grid}"),
        ("/analyst", f"?layer=cases&unit={place.grid}"),
        ("/import", ""),
    ]


def _place_values(server, http, callbacks, router_key, place: Place) -> dict:
    """The values of every component on the pages of ``place``, as the district's pages hold them."""
    values: dict = {}
    for path, search in _pages(place):
        request = dash_calls.router(router_key, callbacks[router_key], path, search)
        r = http.post(f"{server}/_dash-update-component", json=request, timeout=60)
        assert r.status_code == 200, (path, r.status_code, r.text[:200])
        _components(r.json()["response"], values)
    values.update(
        {
            ("unit-nav", "href"): f"/unit/{place.grid}",
            ("unit-tick", "n_intervals"): 1,
            ("onemap-tick", "n_intervals"): 1,
            ("wall-tick", "n_intervals"): 1,
            ("wall-scope", "data"): place.grid,
            ("an-query", "data"): f"layer=cases&unit={place.grid}",
            ("an-unit", "value"): place.grid,
            ("case-ref", "data"): {"id": place.case, "lang": "zh"},
        }
    )
    return values


def _routes(app, place: Place) -> list[tuple[str, str]]:
    """(method, url) for every rule of the URL map, its variables set to ``place``."""
    fill = {
        "raw_id": str(place.case),
        "code": "0101",
        "layer": "grids",
        "z": "14",
        "x": "13396",
        "y": "6458",
        "fontstack": "Noto Sans CJK SC",
        "glyph_range": "0-255",
        "filename": "gridops.css",
        "token": "0" * 32,
        "package_name": "dash",
        "fingerprinted_path": "dash-renderer/build/dash_renderer.min.js",
    }
    found = []
    for rule in app.server.url_map.iter_rules():
        names = set(rule.arguments)
        if "path" in names:
            urls = [f"{p}{s}" for p, s in _pages(place)]
        elif "fmt" in names:
            urls = [f"/analyst/export.{f}?layer=cases&unit={place.grid}" for f in ("csv", "geojson", "gpkg", "html")]
        else:
            url = rule.rule
            for name in names:
                url = re.sub(rf"<(?:[a-z]+:)?{name}>", fill.get(name, "x"), url)
            urls = [url]
            if url in ("/api/v1/cases", "/open311/v2/requests.json"):
                urls.append(f"{url}?unit={place.grid}&service_request_id={place.case}")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found += [(method, u) for u in urls]
    return found


def _wall_may(output: str, spec_body: dict) -> bool:
    parts = [p["id"] for p in dash_calls.output_parts(output)]
    if all(p.startswith(WALL_OWN) or p == "_pages_dummy" for p in parts):
        return True
    paths = [i["value"] for i in spec_body["inputs"] if i["property"] == "pathname"]
    return set(parts) <= {"_pages_content", "_pages_store"} and bool(paths) and bool(WALL_PATHS.match(paths[0]))


def test_no_principal_reaches_data_outside_its_scope(server, places, principals):
    import app

    callbacks = app.app.callback_map
    router_key = next(k for k in callbacks if "_pages_content.children" in k)
    district = next(p for p in principals if p.name == "district")
    values = {key: _place_values(server, district.http, callbacks, router_key, place) for key, place in places.items()}
    served = {d["output"] for d in district.http.get(f"{server}/_dash-dependencies", timeout=20).json()}
    assert served == set(callbacks), "the served app registers the same callbacks as app.callback_map"
    leaks, errors, seen_in_scope, size = [], [], 0, 0
    for who in principals:
        for key, place in places.items():
            outside = [m for k in who.outside for m in places[k].marks]
            inside = [m for k in PLACES if k not in who.outside for m in places[k].marks]
            sends = [
                ("POST", "/_dash-update-component", dash_calls.body(out, spec, values[key]))
                for out, spec in callbacks.items()
                if out != router_key
            ]
            sends += [
                ("POST", "/_dash-update-component", dash_calls.router(router_key, callbacks[router_key], p, s))
                for p, s in _pages(place)
            ]
            sends += [(m, u, None) for m, u in _routes(app, place)]
            for method, url, body in sends:
                size += 1
                r = who.http.request(
                    method, server + url, json=body, headers=who.headers, timeout=120, allow_redirects=False
                )
                text = r.text
                what = f"{who.name} {method} {url} {body['output'][:60] if body else ''} @{key}"
                if r.status_code >= 500:
                    errors.append(f"{what}: {r.status_code} {text[:120]}")
                if any(m in text for m in outside):
                    leaks.append(f"{what}: marked data of a place outside the scope")
                if body is not None and r.status_code == 200:
                    if who.kind in ("anon", "key"):
                        leaks.append(f"{what}: a callback answered without a session")
                    elif who.kind == "wall" and not _wall_may(body["output"], body):
                        leaks.append(f"{what}: a wall token ran a callback that is not the wall's")
                seen_in_scope += any(m in text for m in inside)
    summary = (
        f"security matrix: {size} requests = {len(principals)} principals × {len(places)} places × "
        f"({len(callbacks)} callbacks + {len(_pages(places['A']))} routed pages + "
        f"{len(_routes(app, places['A']))} route calls); leaks: {len(leaks)}; "
        f"server errors: {len(errors)}"
    )
    SUMMARY.append(summary)
    assert not leaks, "\n".join([summary, *leaks[:40]])
    assert not errors, "\n".join([summary, *errors[:40]])
    assert seen_in_scope > 50, f"the matrix saw marked data in only {seen_in_scope} in-scope answers: is it blind?"
