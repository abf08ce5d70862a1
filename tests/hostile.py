"""The hostile-input corpus: requests an attacker or a broken client sends, each with the answers
it may get. None may be a 500; each refusal says what is wrong. tests/test_hostile_inputs.py runs
every entry against the served app; add an entry whenever a new input finds a 500.

An entry is (name, who, method, path, request keywords, allowed statuses). ``who`` is "anon",
"user" (the district's demo user) or "key" (an API key of the hotline). ``{case}`` in a path is
a case of the hotline; ``{key}`` in a body is the API key.
"""

from __future__ import annotations

NUL = "\x00"
LOGIN = ("login", "anon", "post", "/login")  # the form token is added by the test

CORPUS: list[tuple[str, str, str, str, dict, set[int]]] = [
    (
        "NUL in a new case's description",
        "key",
        "post",
        "/api/v1/cases",
        {
            "json": {
                "external_id": "H-NUL-1",
                "category": "0103",
                "lon": 113.78,
                "lat": 34.73,
                "description": f"垃圾{NUL}堆放",
            }
        },
        {400},
    ),
    (
        "NUL in an external id",
        "key",
        "post",
        "/api/v1/cases",
        {"json": {"external_id": f"H-{NUL}", "category": "0103", "lon": 113.78, "lat": 34.73}},
        {400},
    ),
    ("NUL in a JSON key", "key", "post", "/api/v1/cases", {"json": {f"desc{NUL}": "x"}}, {400}),
    (
        "NUL in a transition's note",
        "key",
        "post",
        "/api/v1/cases/{case}/transitions",
        {"json": {"action": "dispatch", "department": "CGJ", "note": f"请{NUL}处理"}},
        {400},
    ),
    (
        "NUL in a transition's claimed actor",
        "key",
        "post",
        "/api/v1/cases/{case}/transitions",
        {"json": {"action": "dispatch", "department": "CGJ", "actor": f"区长{NUL}"}},
        {400},
    ),
    (
        "NUL in an Open311 description",
        "anon",
        "post",
        "/open311/v2/requests.json",
        {
            "data": {
                "api_key": "{key}",
                "service_code": "0103",
                "lat": "34.73",
                "long": "113.78",
                "description": f"路灯{NUL}不亮",
            }
        },
        {400},
    ),
    ("NUL in a query parameter", "user", "get", "/api/v1/cases", {"params": {"category": f"01{NUL}"}}, {400}),
    ("NUL in a path", "user", "get", "/api/v1/cases/1%00", {}, {400, 404}),
    ("NUL in a page's query string", "user", "get", "/unit/410171?lang=%00", {}, {400}),
    (
        "a year 9999 end date in the workbench export",
        "user",
        "get",
        "/analyst/export.csv",
        {"params": {"layer": "cases", "cases.until": "9999-12-31"}},
        {400},
    ),
    (
        "a year 1 start date in the workbench export",
        "user",
        "get",
        "/analyst/export.geojson",
        {"params": {"layer": "cases", "cases.since": "0001-01-01"}},
        {400},
    ),
    (
        "a year 9999 end date in the GeoPackage export",
        "user",
        "get",
        "/analyst/export.gpkg",
        {"params": {"layer": "cases", "cases.until": "9999-12-31"}},
        {400},
    ),
    ("an unknown component package", "anon", "get", "/_dash-component-suites/no_such_pkg/x.js", {}, {404}),
    ("a path outside a known package", "anon", "get", "/_dash-component-suites/dash/..%2F..%2Fetc/passwd", {}, {404}),
    ("an unknown file of a known package", "anon", "get", "/_dash-component-suites/dash/nothing.v1m1.js", {}, {404}),
    (
        "a callback body that is not JSON",
        "user",
        "post",
        "/_dash-update-component",
        {"data": "{not json", "headers": {"Content-Type": "application/json"}},
        {400},
    ),
    (
        "a callback for an output that does not exist",
        "user",
        "post",
        "/_dash-update-component",
        {
            "json": {
                "output": "nothing.children",
                "outputs": {"id": "nothing", "property": "children"},
                "inputs": [],
                "changedPropIds": [],
            }
        },
        {400},
    ),
    ("a case id beyond bigint", "user", "get", "/api/v1/cases/99999999999999999999999", {}, {400, 404}),
    ("a huge limit", "user", "get", "/api/v1/cases", {"params": {"limit": "10" * 40}}, {400}),
    (
        "a time beyond the calendar",
        "user",
        "get",
        "/api/v1/cases",
        {"params": {"since": "9999-12-31T23:59:59+14:00"}},
        {400},
    ),
    (
        "an Open311 window beyond the calendar",
        "user",
        "get",
        "/open311/v2/requests.json",
        {"params": {"start_date": "0001-01-01T00:00:00Z", "end_date": "9999-12-31T00:00:00Z"}},
        {400},
    ),
]
