"""Open311 GeoReport v2 (/open311/v2) against the served app: every answer validates against
the published JSON Schemas in ../shared/data/open311_spec, and statuses map to open/closed."""

from __future__ import annotations

import json

import jsonschema
import pytest
import requests
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from tests.conftest import ROOT

SPEC = ROOT.parent / "shared" / "data" / "open311_spec"
NAMES = {
    "request.json": "schema_request.json",
    "requests.json": "schema_requests.json",
    "service.json": "schema_service.json",
    "services.json": "schema_services.json",
    "service-definition.json": "schema_service-definition.json",
}


def _schema(name: str) -> dict:
    return json.loads((SPEC / NAMES[name]).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validate():
    """Validate a body against one of the Open311 schemas, following their relative $refs."""
    if not SPEC.is_dir():
        pytest.fail(f"the Open311 schemas are missing: expected {SPEC} (../shared beside the checkout)")
    registry = Registry().with_resources((n, Resource(contents=_schema(n), specification=DRAFT7)) for n in NAMES)

    def check(name: str, body) -> None:
        validator = jsonschema.Draft7Validator(
            _schema(name), registry=registry, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
        )
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]

    return check


def _grid_point(db) -> tuple[float, float]:
    with db.transaction() as cur:
        cur.execute(
            "SELECT ST_X(label_point), ST_Y(label_point) FROM units WHERE level = 'grid' AND kind <> "
            "'exclusive' ORDER BY id DESC LIMIT 1"
        )
        return cur.fetchone()


def test_services_and_definitions_validate(server, validate, http):
    services = http.get(f"{server}/open311/v2/services.json", timeout=10).json()
    validate("services.json", services)
    assert {s["service_code"] for s in services} >= {"0101", "0103"} and all(s["type"] == "realtime" for s in services)
    definition = http.get(f"{server}/open311/v2/services/0101.json", timeout=10).json()
    validate("service-definition.json", definition)
    missing = http.get(f"{server}/open311/v2/services/01.json", timeout=10)
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def test_post_then_read_back_a_request(server, db, api_key, validate, http):
    lon, lat = _grid_point(db)
    form = {
        "api_key": api_key,
        "service_code": "0101",
        "lat": lat,
        "long": lon,
        "address_string": "经开第八大街",
        "description": "随手拍：垃圾满溢",
        "external_id": "T-311-1",
    }
    posted = requests.post(f"{server}/open311/v2/requests.json", data=form, timeout=10)
    assert posted.status_code == 200, posted.text
    (answer,) = posted.json()
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    repeat = requests.post(f"{server}/open311/v2/requests.json", data=form, timeout=10).json()
    assert repeat[0]["service_request_id"] == answer["service_request_id"]  # idempotent on external_id
    one = http.get(f"{server}/open311/v2/requests/{answer['service_request_id']}.json", timeout=10).json()
    validate("requests.json", one)
    assert one[0]["status"] == "open" and one[0]["status_notes"].startswith("已受理")
    assert abs(one[0]["lat"] - lat) < 1e-9 and one[0]["service_code"] == "0101"


def test_request_search_maps_statuses_and_validates(server, db, validate, http):
    window = {"start_date": "2026-11-01T00:00:00+08:00", "end_date": "2026-11-21T00:00:00+08:00"}
    everything = http.get(f"{server}/open311/v2/requests.json", params=window, timeout=30).json()
    validate("requests.json", everything)
    closed = http.get(f"{server}/open311/v2/requests.json", params={**window, "status": "closed"}, timeout=30)
    validate("requests.json", closed.json())
    ids = [int(r["service_request_id"]) for r in closed.json()[:50]]
    with db.transaction() as cur:
        cur.execute("SELECT bool_or(is_open) FROM cases WHERE id = ANY(%s)", (ids,))
        assert cur.fetchone()[0] is False
    assert {r["status"] for r in everything} == {"open", "closed"}
    by_id = http.get(
        f"{server}/open311/v2/requests.json", timeout=10, params={"service_request_id": ",".join(map(str, ids[:3]))}
    ).json()
    assert sorted(int(r["service_request_id"]) for r in by_id) == sorted(ids[:3])


@pytest.mark.parametrize(
    ("method", "path", "params", "status"),
    [
        (
            "get",
            "requests.json",
            {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-11-01T00:00:00+08:00"},
            400,
        ),
        ("get", "requests.json", {"status": "pending"}, 400),
        ("get", "requests.json", {"start_date": "yesterday"}, 400),
        ("get", "requests/abc.json", {}, 404),
        ("get", "requests.xml", {}, 404),
        ("post", "requests.json", {"service_code": "0101", "lat": 34.7, "long": 113.7}, 401),
        ("post", "requests.json", {"service_code": "0101", "lat": "north", "long": 113.7}, 400),
    ],
)
def test_bad_requests_answer_open311_errors(server, http, api_key, method, path, params, status):
    if method == "post" and status != 401:
        params = {**params, "api_key": api_key}
    kw = {"data": params} if method == "post" else {"params": params}
    r = getattr(http if method == "get" else requests, method)(f"{server}/open311/v2/{path}", timeout=10, **kw)
    assert r.status_code == status, r.text
    body = r.json()
    assert isinstance(body, list) and body[0]["code"] == status and body[0]["description"]
