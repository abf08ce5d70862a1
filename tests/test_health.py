"""/healthz: 200 with versions when the database answers, 503 when it does not."""

from __future__ import annotations

import requests

from access import session_state
from geodata.errors import RETRY_AFTER_S
from geodata.ops.migrate import available
from tests.conftest import serve


def test_healthz_reports_versions(server):
    r = requests.get(server + "/healthz", timeout=10)
    assert r.status_code == 200
    body = r.json()
    assert body["database"] is True and body["schema_version"] == available()[-1].version
    assert body["data_version"] > 0


def test_healthz_is_503_when_the_database_is_unreachable(loaded):
    proc, url = serve({"DATABASE_URL": "postgresql://nobody:x@127.0.0.1:1/none"})
    try:
        r = requests.get(url + "/healthz", timeout=20)
        assert r.status_code == 503
        assert r.json() == {"status": "unavailable", "database": False, "error": "database unavailable"}
        assert "127.0.0.1" not in r.text and "port" not in r.text  # the driver's words stay in the log
        page = requests.get(url + "/", timeout=20, allow_redirects=False)
        assert page.status_code == 302 and "/login" in page.headers["Location"]
        assert requests.get(url + "/login", timeout=20).status_code == 200  # the form needs no database
        # A signed-in screen's request cannot check its session: 503 with Retry-After (a failover
        # or a restart: retry shortly), never a 500.
        import app as gridops_app

        signer = gridops_app.server.session_interface.get_signing_serializer(gridops_app.server)
        cookie = {gridops_app.server.config["SESSION_COOKIE_NAME"]: signer.dumps({session_state.KEY: "a-token"})}
        refused = requests.get(url + "/_dash-layout", cookies=cookie, timeout=20)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == str(RETRY_AFTER_S)
        assert refused.json()["error"] == "unavailable"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_unit_without_a_code_redirects_to_the_top_of_the_drill_down(http, server, db):
    from geodata import units

    resp = http.get(server + "/unit?lang=en", allow_redirects=False, timeout=10)
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/unit/{units.root_code(db)}?lang=en")
