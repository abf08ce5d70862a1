"""The production server (uWSGI with uwsgi.ini, as the README starts it) serves the real app: a
signed-in page, kept-alive API creates, a streamed download, a file upload and a large cookie; and
a SIGTERM stops it, workers and all."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests

from bench.server import app_server, free_port
from tests import signin
from tests.conftest import TEST_SECRET


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def production(loaded, monkeypatch) -> str:
    monkeypatch.setenv("GRIDOPS_SECRET_KEY", TEST_SECRET)
    port = free_port()
    proc = app_server(port)
    workers = _children(proc.pid)
    assert len(workers) == 2, f"uwsgi.ini asks for 2 worker processes, found {workers}"
    yield f"http://127.0.0.1:{port}"
    proc.terminate()  # die-on-term: uWSGI's own default would reload instead
    proc.wait(timeout=20)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers):
        assert time.monotonic() < deadline, "uWSGI workers outlived their master"
        time.sleep(0.2)


def test_the_production_server_serves_pages_the_api_downloads_and_uploads(production, api_key, db):
    base = production
    with db.transaction() as cur:
        cur.execute("SELECT ST_X(label_point), ST_Y(label_point) FROM units WHERE level = 'grid' ORDER BY id LIMIT 1")
        lon, lat = cur.fetchone()
    http = signin.session(base, "admin")
    page = http.get(f"{base}/", timeout=30)
    assert page.status_code == 200
    assert "Werkzeug" not in page.headers.get("Server", "")  # the development server names itself; uWSGI does not
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert http.get(f"{base}/_dash-layout", timeout=30).status_code == 200

    api = requests.Session()  # one kept-alive connection for every create
    external = f"PROD-{time.time_ns()}"
    body = {"external_id": external, "category": "0101", "lon": lon, "lat": lat}
    first = api.post(f"{base}/api/v1/cases", json=body, headers={"X-API-Key": api_key}, timeout=30)
    again = api.post(f"{base}/api/v1/cases", json=body, headers={"X-API-Key": api_key}, timeout=30)
    assert (first.status_code, again.status_code) == (201, 200), first.text[:300]
    assert first.json()["case"]["id"] == again.json()["case"]["id"]
    refused = api.post(f"{base}/api/v1/cases", json=body, timeout=30)
    assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"

    export = http.get(f"{base}/analyst/export.csv?layer=cases", stream=True, timeout=60)
    assert export.status_code == 200
    size = sum(len(chunk) for chunk in export.iter_content(65536))
    assert size > 100_000  # the whole streamed file arrived, not a cut-off first chunk

    page = http.get(f"{base}/import", timeout=30)
    assert page.status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    rows = "工单编号,受理时间,问题类型,经度,纬度\nP1,2026-01-01 08:00,暴露垃圾,0,0\n".encode()
    upload = http.post(
        f"{base}/import/upload",
        files={"file": ("cases.csv", rows)},
        data={"csrf": csrf, "kind": "cases", "crs": "EPSG:4326", "source": "hotline", "dry_run": "1"},
        timeout=60,
    )
    assert upload.status_code == 200 and "读取" in upload.text

    cookie = requests.get(f"{base}/healthz", headers={"Cookie": "x=" + "y" * 20_000}, timeout=30)
    assert cookie.status_code == 200  # buffer-size: a 20 KB header is read, not refused
