"""The monthly assessment report (geodata/reports/, migration 0038, routes/reports.py).

A demo month (2026-10) is closed in the test database and its reports made from the stored
results: the workbook opens with openpyxl and holds the expected sheets and units, agreeing with
the stored ranking; the PDF's text (pdftotext) holds the Chinese indicator names and the units, and
its first page renders (pdftoppm) to a picture that is not blank; a street's reader lists and
downloads its own street's report only (Python and row-level security both refuse another's); a
department's handler its department's; the command refuses a period not closed, naming the fix."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import psycopg2
import pytest
from openpyxl import load_workbook
from PIL import Image

from access.principal import Principal
from geodata import units
from geodata.assessment import history
from geodata.assessment.indicators import INDICATORS
from geodata.db import SCOPE
from geodata.reports import content, listing, store, subjects
from tests import signin
from tests.conftest import ARTIFACTS, GRIDOPS, ROOT

LABEL = "2026-10"
NOT_CLOSED = "2030-01"
AREA_NAMES = [i.name for i in INDICATORS if i.applies == "area"]


def _drop(admin_dsn: str) -> None:
    conn = psycopg2.connect(admin_dsn)
    with conn, conn.cursor() as cur:
        cur.execute("DELETE FROM assessment_periods WHERE label = ANY(%s)", ([LABEL, NOT_CLOSED],))
    conn.close()


@pytest.fixture(scope="module")
def closed(db, admin_dsn_):
    """The demo's 2026-10 closed, and the reports of its top, its first two streets and the demo
    department made; the period (and so its reports) removed afterwards."""
    _drop(admin_dsn_)
    history.close(db, LABEL, "tester")
    everyone = subjects.all_subjects(db)
    top = everyone[0]
    streets = [s for s in everyone if s.level == "street"][:2]
    dept = next(s for s in everyone if s.kind == "department" and s.key == "CGJ")
    for s in (top, *streets, dept):
        store.generate(db, LABEL, s, "tester")
    yield {"top": top, "streets": streets, "dept": dept, "all": everyone}
    _drop(admin_dsn_)


def _file(db, subject, fmt: str) -> bytes:
    found = store.fetch(db, LABEL, subject.kind, subject.key, fmt)
    assert found is not None, f"no {fmt} kept for {subject.key}"
    return found[0]


def test_subjects_are_the_top_the_streets_and_the_departments(db, closed):
    everyone = closed["all"]
    street_codes = [c for c, lv in zip(*(units.children(db, units.top(db))[k] for k in ("code", "level")), strict=True)]
    assert everyone[0].key == units.root_code(db)
    assert [s.key for s in everyone if s.level == "street"] == sorted(street_codes)
    assert {s.kind for s in everyone} == {"unit", "department"}
    assert subjects.find(db, "unit", "no-such") is None and subjects.find(db, "planet", "x") is None


def test_workbook_holds_the_rankings_indicators_and_formulas(db, closed):
    wb = load_workbook(io.BytesIO(_file(db, closed["top"], "xlsx")))
    for sheet in ("概况", "街道排名", "部门排名", "指标表", "趋势", "指标说明"):
        assert sheet in wb.sheetnames, wb.sheetnames
    stored = history.results(db, LABEL, "street")
    names = {str(i): n for i, (_c, n, _lv) in units.names(db, [int(r.key) for r in stored]).items()}
    ranking = wb["街道排名"]
    head = [c.value for c in ranking[5]]
    assert head[:7] == ["名次", "编码", "名称", "所属", "得分", "红黑旗", "预警"] and "按期结案率" in head
    rows = [[c.value for c in r] for r in ranking.iter_rows(min_row=6) if r[2].value]
    # the stored ranking, in its order, with its scores (never recomputed)
    assert [r[2] for r in rows] == [names[r.key] for r in stored]
    assert [round(r[4], 6) for r in rows] == [round(r.score, 6) for r in stored]
    assert [r[5] or None for r in rows] == [{"red": "红旗", "black": "黑旗"}.get(r.flag) for r in stored]
    indicators = wb["指标表"]
    assert [c.value for c in indicators[1]][3:] == AREA_NAMES
    listed = {r[2].value for r in indicators.iter_rows(min_row=2)}
    assert set(names.values()) <= listed and closed["top"].name in listed
    formulas = [r[0].value for r in wb["指标说明"].iter_rows(min_row=2)]
    assert set(AREA_NAMES) <= set(formulas)
    text = " ".join(str(c.value) for r in wb["指标说明"].iter_rows() for c in r if c.value)
    assert "按期结案数 ÷ 应结案数" in text and "考核方案" in text

    street = load_workbook(io.BytesIO(_file(db, closed["streets"][0], "xlsx")))
    assert "社区排名" in street.sheetnames and "部门排名" not in street.sheetnames
    street_id = closed["streets"][0].id
    kids = units.children(db, units.by_id(db, street_id))
    communities = [n for n, lv in zip(kids["name"], kids["level"], strict=True) if lv == "community"]
    shown = [r[2].value for r in street["社区排名"].iter_rows(min_row=6) if r[2].value]
    assert sorted(shown) == sorted(communities)


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_text_holds_the_indicators_and_units_and_page_one_renders(db, closed, tmp_path):
    pdf = _file(db, closed["top"], "pdf")
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, tmp_path)
    for word in ("按期结案率", "结案率", "应结案数", "返工率", "满意率", "街道排名", "部门排名", "指标说明", "红旗"):
        assert word in text, word
    assert closed["top"].name in text and "2026年10月" in text
    for s in closed["all"]:
        assert s.name in text, s.name  # every street and department is ranked in the top's report
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "report.pdf"), str(tmp_path / "page")],
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report_page1.png").write_bytes(png.read_bytes())
    image = Image.open(png).convert("RGB")
    assert image.size[0] > 400 and image.size[1] > 600  # A4 at 60 dpi: 496 × 702
    pixels = list(image.get_flattened_data())
    inked = sum(1 for p in pixels if p != (255, 255, 255))
    assert inked > len(pixels) * 0.15, "page 1 is (nearly) blank"
    # the map's classes are drawn: the best class's green and the worst's red are both on page 1
    assert any(abs(p[0] - 26) < 12 and abs(p[1] - 152) < 12 and abs(p[2] - 80) < 12 for p in pixels)
    assert any(abs(p[0] - 215) < 12 and abs(p[1] - 48) < 12 and abs(p[2] - 39) < 12 for p in pixels)

    street = closed["streets"][0]
    text = _pdf_text(_file(db, street, "pdf"), tmp_path)
    kids = units.children(db, units.by_id(db, street.id))
    for name in kids["name"]:
        assert name in text, name
    assert "社区考核得分分布图" in text and "按期结案率" in text

    text = _pdf_text(_file(db, closed["dept"], "pdf"), tmp_path)
    assert closed["dept"].name in text and "部门排名" in text


def test_regenerating_replaces_both_files(db, closed, admin_dsn_):
    top = closed["top"]
    before = {k.format: k.generated_at for k in store.kept(db, LABEL) if k.key == top.key}
    store.generate(db, LABEL, top, "tester-again")
    after = [k for k in store.kept(db, LABEL) if k.key == top.key]
    assert sorted(k.format for k in after) == ["pdf", "xlsx"]
    assert all(k.generated_by == "tester-again" and k.generated_at > before[k.format] for k in after)
    conn = psycopg2.connect(admin_dsn_)
    with conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM audit_log WHERE action = 'assessment_report' AND actor = 'tester-again'")
        assert cur.fetchone()[0] >= 1
    conn.close()


def test_a_period_not_closed_has_no_report(db, closed):
    with pytest.raises(content.NotClosedError, match="gridops assess close --period 2030-01"):
        store.generate(db, NOT_CLOSED, closed["top"], "tester")
    with pytest.raises(ValueError, match="period must be"):
        store.generate(db, "2026-13", closed["top"], "tester")


def _principal(db, username: str) -> Principal:
    with db.transaction() as cur:
        cur.execute(
            "SELECT u.role, u.scope_code, d.id FROM users u LEFT JOIN departments d ON d.code = u.department_code "
            "WHERE u.username = %s",
            (username,),
        )
        role, scope, dept = cur.fetchone()
    return Principal("user", username, role, units.by_code(db, scope), dept, None)


def _listed(db, who) -> set[str]:
    found = listing.for_reader(db, who)
    period = next(p for p in found if p.label == LABEL)
    return {f"{e.subject.kind}/{e.subject.key}" for e in period.entries}


def test_the_listing_follows_the_readers_scope(db, closed):
    everyone = {f"{s.kind}/{s.key}" for s in closed["all"]}
    street = _principal(db, "street")
    assert _listed(db, _principal(db, "district")) == everyone
    assert _listed(db, _principal(db, "admin")) == everyone
    assert _listed(db, street) == {f"unit/{street.scope.code}"}
    assert _listed(db, _principal(db, "dept_cgj")) == {"department/CGJ"}
    assert _listed(db, _principal(db, "community")) == set()
    assert _listed(db, _principal(db, "gridworker")) == set()
    # the newest closed period first
    starts = [p.start for p in listing.for_reader(db, street)]
    assert starts == sorted(starts, reverse=True)


def test_row_level_security_keeps_other_reports_from_a_street_and_a_department(db, closed):
    mine, other = closed["streets"]
    top = closed["top"]
    for scope, allowed in (
        (("street", mine.id), {mine.key}),
        (("street", other.id), {other.key}),
        (("department", closed["dept"].id), {"CGJ"}),
        (("all", 0), {mine.key, other.key, top.key, "CGJ"}),
    ):
        token = SCOPE.set(scope)
        try:
            assert {k.key for k in store.kept(db, LABEL)} == allowed, scope
            for s in (mine, other, top, closed["dept"]):
                assert (store.fetch(db, LABEL, s.kind, s.key, "pdf") is not None) == (s.key in allowed)
        finally:
            SCOPE.reset(token)


def test_downloads_are_refused_outside_the_readers_scope(server, closed):
    mine, other = closed["streets"]
    street = signin.session(server, "street")
    assert street.cookies, "signed in"
    base = f"{server}/reports/{LABEL}"
    own = street.get(f"{base}/unit/{mine.key}.pdf", timeout=30)
    assert own.status_code == 200 and own.content.startswith(b"%PDF"), (mine.key, own.status_code)
    assert "attachment" in own.headers["Content-Disposition"]
    got = street.get(f"{base}/unit/{mine.key}.xlsx", timeout=30)
    assert got.status_code == 200 and got.content.startswith(b"PK")
    for url in (f"{base}/unit/{other.key}.pdf", f"{base}/unit/{closed['top'].key}.xlsx", f"{base}/department/CGJ.pdf"):
        refused = street.get(url, timeout=30)
        assert refused.status_code == 403, (url, refused.status_code)
        assert not refused.content.startswith((b"%PDF", b"PK")) and "范围" in refused.json()["message"]

    dept = signin.session(server, "dept_cgj")
    assert dept.get(f"{base}/department/CGJ.pdf", timeout=30).content.startswith(b"%PDF")
    assert dept.get(f"{base}/unit/{mine.key}.pdf", timeout=30).status_code == 403

    district = signin.session(server, "district")
    for url, status, says in (
        (f"{server}/reports/2026-13/unit/{mine.key}.pdf", 404, "period must be"),
        (f"{server}/reports/{NOT_CLOSED}/unit/{mine.key}.pdf", 404, "not closed"),
        (f"{base}/unit/no-such-unit.pdf", 404, "没有考核对象"),
        (f"{base}/planet/{mine.key}.pdf", 404, "没有考核对象"),
        (f"{base}/unit/{mine.key}.docx", 404, "xlsx 或 pdf"),
        (f"{base}/department/FG.pdf", 404, "尚未生成"),
    ):
        answer = district.get(url, timeout=30)
        assert answer.status_code == status, (url, answer.status_code)
        assert says in answer.json()["message"], answer.json()
    assert district.get(f"{base}/unit/{closed['top'].key}.xlsx", timeout=30).content.startswith(b"PK")


def test_only_an_admin_makes_a_report_on_the_page(server, db, closed):
    fg = next(s for s in closed["all"] if s.key == "FG")
    form = {"period": LABEL, "kind": "department", "key": "FG"}
    street = signin.session(server, "street")
    refused = street.post(
        f"{server}/reports/generate", data={**form, "csrf": signin.form_token(street, server)}, timeout=30
    )
    assert refused.status_code == 403 and store.fetch(db, LABEL, "department", "FG", "pdf") is None
    admin = signin.session(server, "admin")
    assert admin.post(f"{server}/reports/generate", data=form, timeout=30).status_code == 400  # no form token
    done = admin.post(
        f"{server}/reports/generate",
        data={**form, "csrf": signin.form_token(admin, server)},
        allow_redirects=False,
        timeout=120,
    )
    assert done.status_code == 303 and done.headers["Location"].startswith("/reports?done=")
    assert store.fetch(db, LABEL, fg.kind, fg.key, "pdf")[0].startswith(b"%PDF")
    bad = admin.post(
        f"{server}/reports/generate",
        data={**form, "period": NOT_CLOSED, "csrf": signin.form_token(admin, server)},
        timeout=30,
    )
    assert bad.status_code == 404 and "not closed" in bad.json()["message"]


def test_the_command_refuses_a_period_not_closed_and_names_the_fix(closed):
    for args, says in (
        (["--period", NOT_CLOSED], "gridops assess close --period 2030-01"),
        (["--period", "2026-13"], "period must be"),
        (["--period", LABEL, "--subject", "nowhere"], "no report subject 'nowhere'"),
    ):
        proc = subprocess.run([GRIDOPS, "report", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert proc.returncode != 0, args
        assert says in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    proc = subprocess.run(
        [GRIDOPS, "report", "--period", LABEL, "--subject", "department:CGJ"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "城市管理局 (department:CGJ)" in proc.stdout and "pdf" in proc.stdout


def test_the_monthly_job_makes_the_reports_not_made_yet(db, closed):
    from datetime import datetime

    from geodata.clock import TZ
    from jobs import queue

    first = datetime(2026, 11, 1, 1, 30, tzinfo=TZ)  # the job's run after October
    before = {(k.kind, k.key) for k in store.kept(db, LABEL)}
    assert queue.assessment_close_month(int(first.timestamp())) is None  # closed already by the fixture
    kept = store.kept(db, LABEL)
    made = {(k.kind, k.key) for k in kept}
    assert made == {(s.kind, s.key) for s in closed["all"]} and made > before
    assert {k.generated_by for k in kept if (k.kind, k.key) not in before} == {"jobs"}
    assert store.generate_unmade(db, LABEL, "jobs") == 0  # again: nothing left to make
