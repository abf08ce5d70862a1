"""Assessment schemes as data (geodata/assessment/schemes.py, migration 0036, docs/assessment.md).

Every preset scores hand-built figures as computed here by hand, for every band form; ranks share
ties and flag per the scheme's rule; an empty base gives no score, never 0; the active scheme
persists. On the fixture month of tests/test_assessment.py, with a second office that closes its
cases (late, and rated badly) instead of leaving them overdue, the order of the two offices flips
between today's composite and the 数字城管 scheme, as issue 27 intends."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import psycopg2
import pytest

from geodata import kpis, units
from geodata.assessment import schemes
from geodata.assessment.indicators import INDICATORS, Figures
from geodata.assessment.schemes import Item, Scheme, Scored
from tests import test_assessment as ta
from tests.conftest import ANCHOR, GRIDOPS, ROOT

month = ta.month  # the fixture month (a pytest fixture, shared)
TAG = "T-SCHEME-"
AREA = [i.key for i in INDICATORS if i.den is None and i.applies == "area"]


def figures(key="u", **counts: int) -> Figures:
    """An area's figures: the counts given, the others 0."""
    return Figures(key, "area", {**dict.fromkeys(AREA, 0), **counts})


# filed 20, due 40, closed 30 (75 %), on time 24 (60 %), reworked 2 (10 %), supervised 3, 1 done
TYPICAL = figures(filed=20, due=40, closed=30, closed_on_time=24, reworked=2, supervised=3, supervised_done=1)


@pytest.fixture(scope="module")
def presets(db):
    return schemes.load_all(db)


def test_presets_are_loaded_and_valid(presets):
    assert set(presets) == {"composite", "szcg", "jinhua", "department", "hotline", "grid_worker"}
    assert presets["composite"].scorer == "kpis" and presets["composite"].items == ()
    assert presets["department"].applies_to == "department"
    assert [i.form for i in presets["department"].items] == ["steps", "linear", "linear", "linear"]


def test_city_page_score_linear_forms(presets):
    """按期结案率×100×50% + 结案率×100×30% + (1−返工率)×100×10% + (10 − 督办数×0.5 − 督办未处理数)."""
    got = schemes.score(presets["szcg"], TYPICAL)
    assert got.score == pytest.approx(60 * 0.5 + 75 * 0.3 + 90 * 0.1 + (10 - 3 * 0.5 - (3 - 1)))  # 68
    assert got.score == pytest.approx(68)
    assert [p.points for p in got.parts] == pytest.approx([30, 22.5, 9, 5.5, 1])
    assert got.parts[0].indicator == "on_time_rate" and got.parts[0].value == pytest.approx(60)


def test_jinhua_threshold_forms(presets):
    """按期结案率 ≥ 70 % scores 50, minus 1 per point below; 结案率 ≥ 90 % scores 20."""
    jinhua = presets["jinhua"]
    assert schemes.score(jinhua, TYPICAL).score == pytest.approx(40)  # 50 − (70 − 60), closure 75 < 90
    best = figures(filed=1, due=100, closed=95, closed_on_time=80)
    assert schemes.score(jinhua, best).score == pytest.approx(70)
    edge = figures(filed=1, due=100, closed=90, closed_on_time=70)
    assert schemes.score(jinhua, edge).score == pytest.approx(70)  # both at their threshold
    worst = figures(filed=1, due=100, closed=10, closed_on_time=10)
    assert schemes.score(jinhua, worst).score == pytest.approx(0)  # 50 − 60 floors at 0


def test_unicom_department_steps_and_linear(presets):
    """A band on 立案数 + 结案率 × 0.3 + 按期处置率 × 0.3 + (100 − 返工率) × 0.3."""
    dept = presets["department"]
    assert schemes.score(dept, TYPICAL).score == pytest.approx(10 + 22.5 + 18 + 27)
    steps = {50: 10, 51: 9, 100: 9, 200: 7.5, 201: 6, 500: 6, 1000: 4, 1001: 0, 5000: 0}
    for filed, points in steps.items():
        got = schemes.score(dept, figures(filed=filed, due=10, closed=10, closed_on_time=10))
        assert got.parts[0].points == points, filed
        assert got.score == pytest.approx(points + 30 + 30 + 30), filed


def test_hotline_three_rates_and_an_empty_base(presets):
    """响应率×30% + 解决率×35% + 满意率×35%; without a rating there is no 满意率, so no score."""
    hotline = presets["hotline"]
    f = figures(filed=20, responded=18, solved=15, rated=10, satisfied=8)
    assert schemes.score(hotline, f).score == pytest.approx(90 * 0.30 + 75 * 0.35 + 80 * 0.35)  # 81.25
    unrated = schemes.score(hotline, figures(filed=20, responded=18, solved=15))
    assert unrated.score is None and unrated.parts[2].value is None and unrated.parts[2].points is None
    # nothing due: the closure rates have no base, the unit is not scored (never 0 nor 100)
    assert schemes.score(presets["szcg"], figures(filed=3)).score is None
    lenient = Scheme("t", "t", "t", "unit", (Item("satisfaction_rate", "linear", weight=1, if_none=35),))
    assert schemes.score(lenient, figures(filed=2)).score == 35


def test_grid_worker_post_scheme_and_its_empty_bases(presets, db, month):
    """有效上报率 × 50% + 按时核实率 × 50%; without reports or checks due, no score. Active for posts."""
    worker = presets["grid_worker"]
    assert worker.applies_to == "post" and schemes.active(db, "post") == "grid_worker"
    post = Figures("w", "post", {"reports": 10, "valid_reports": 8, "checks_due": 4, "checks_on_time": 3})
    assert schemes.score(worker, post).score == pytest.approx(80 * 0.5 + 75 * 0.5)
    idle = Figures("w", "post", {"reports": 0, "valid_reports": 0, "checks_due": 4, "checks_on_time": 4})
    assert schemes.score(worker, idle).score is None
    # The fixture month's grid worker, from the figures tests/test_assessment.py counts by hand.
    counts = ta.expected_post(month["cases"])
    got = schemes.score(worker, ta.run(db, "post", [ta.WORKER]))
    want = 50 * counts["valid_reports"] / counts["reports"] + 50 * counts["checks_on_time"] / counts["checks_due"]
    assert got.score == pytest.approx(want)


def _scored(**scores) -> dict:
    return {k: Scored(k, s, ()) for k, s in scores.items()}


def test_ranks_share_ties_and_flags_follow_the_rule():
    share = Scheme("t", "t", "t", "unit")  # red and black: a fifth each, from 3 scored units
    placed = schemes.rank(share, _scored(a=90, b=80, c=80, d=70, e=None))
    assert [(p.key, p.rank, p.flag) for p in placed] == [
        ("a", 1, "red"),
        ("b", 2, ""),
        ("c", 2, ""),
        ("d", 4, "black"),
        ("e", 5, ""),
    ]
    count = Scheme("t", "t", "t", "unit", red_rule="count", red_value=1, black_rule="count", black_value=1)
    tied = schemes.rank(count, _scored(a=90, b=90, c=50))
    assert [(p.key, p.rank, p.flag) for p in tied] == [("a", 1, "red"), ("b", 1, "red"), ("c", 3, "black")]
    by_score = Scheme("t", "t", "t", "unit", red_rule="score", red_value=85, black_rule="score", black_value=60)
    flags = {p.key: p.flag for p in schemes.rank(by_score, _scored(a=85, b=84, c=59.9, d=60))}
    assert flags == {"a": "red", "b": "", "c": "black", "d": ""}
    few = schemes.rank(share, _scored(a=90, b=10, c=None))
    assert [p.flag for p in few] == ["", "", ""]  # two scored units: no flags
    none = Scheme("t", "t", "t", "unit", red_rule="none", red_value=None, black_rule="none", black_value=None)
    assert {p.flag for p in schemes.rank(none, _scored(a=1, b=2, c=3, d=4))} == {""}


def test_bad_schemes_are_refused(db):
    with pytest.raises(ValueError, match="no indicator"):
        Scheme("t", "t", "t", "unit", (Item("speed", "linear", weight=1),))
    with pytest.raises(ValueError, match="not an indicator of a unit"):
        Scheme("t", "t", "t", "unit", (Item("reports", "linear", weight=1),))
    with pytest.raises(ValueError, match="no band form"):
        Scheme("t", "t", "t", "unit", (Item("filed", "curve"),))
    with pytest.raises(ValueError, match=r"no assessment scheme 'nosuch' \(known: composite"):
        schemes.load(db, "nosuch")


def test_set_active_persists_and_is_audited(db, admin_dsn_):
    assert schemes.active(db, "street") == "composite" and schemes.active(db, "department") == "department"
    assert schemes.active(db, "post") == "grid_worker"  # migration 0040
    try:
        assert schemes.set_active(db, "street", "szcg", actor="tester") == "composite"
        assert schemes.active(db, "street") == "szcg"
        with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
            cur.execute("SELECT detail FROM audit_log WHERE action = 'assessment_admin' ORDER BY id DESC LIMIT 1")
            assert cur.fetchone()[0] == {"level": "street", "scheme": "szcg", "previous": "composite"}
        with pytest.raises(ValueError, match="assesses departments"):
            schemes.set_active(db, "street", "department")
        with pytest.raises(ValueError, match="level must be one of"):
            schemes.set_active(db, "planet", "szcg")
    finally:
        schemes.set_active(db, "street", "composite", actor="tester")
    assert schemes.active(db, "street") == "composite"


# ---- the done-when: the order of two offices flips between schemes -------------------------


@pytest.fixture(scope="module")
def second_office(admin_dsn_, month):
    """An office in another street that closes every case, 4 of 10 on time, each rated 1 (不满意)."""
    conn = psycopg2.connect(admin_dsn_)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("DELETE FROM cases WHERE external_id LIKE %s", (TAG + "%",))
            cur.execute(
                "SELECT id, street_id FROM units WHERE level = 'grid' AND street_id <> %s ORDER BY id LIMIT 1",
                (month["street"],),
            )
            grid_id, street_id = cur.fetchone()
            for i in range(10):
                reported = ta.at(3, 2 + i)
                resolved = reported + timedelta(days=1 if i < 4 else 5)
                case = ta.Case(
                    str(i),
                    reported,
                    reported + timedelta(days=3),
                    "rated",
                    resolved=resolved,
                    rated=resolved + timedelta(hours=5),
                    satisfaction=1,
                )
                values = {k: v for k, v in vars(case).items() if k not in ("tag", "dept", "reporter", "events")}
                args = {**values, "external_id": TAG + case.tag, "department_id": None, "merged_into": None}
                args |= {"dispatched": case.accepted - timedelta(hours=1), "grid_id": grid_id}
                cur.execute(ta.INSERT, args)
                case_id = cur.fetchone()[0]
                cur.execute(ta.EVENT, (case_id, reported, None, "reported", None, "12345"))
                cur.execute(ta.EVENT, (case_id, resolved, "accepted", "resolved", "resolve", "worker"))
        yield {"street": street_id}
    finally:
        with conn, conn.cursor() as cur:
            cur.execute("DELETE FROM cases WHERE external_id LIKE %s", (TAG + "%",))
        conn.close()


def test_the_overdue_office_ranks_lower_under_the_standard_scheme(db, month, second_office):
    overdue, closing = month["street"], second_office["street"]
    _, figures_, composite = schemes.ranking(db, "street", ta.START, ta.END, "composite")
    assert set(figures_) == {overdue, closing}
    _, _, standard = schemes.ranking(db, "street", ta.START, ta.END, "szcg")
    place = {p.key: p for p in composite}
    assert place[overdue].rank == 1 and place[closing].rank == 2
    place = {p.key: p for p in standard}
    assert place[overdue].rank == 2 and place[closing].rank == 1
    # by hand: on time 5/24, closed 8/24, reworked 1/14, supervised 2 with 1 done
    by_hand = 0.5 * 500 / 24 + 0.3 * 800 / 24 + (10 - 0.1 * 100 / 14) + (10 - 2 * 0.5 - 1)
    assert place[overdue].score == pytest.approx(by_hand)
    assert place[closing].score == pytest.approx(0.5 * 40 + 0.3 * 100 + 10 + 10)
    assert {p.flag for p in standard} == {""}  # two offices: fewer than flag_min


def _gridops(*words: str) -> subprocess.CompletedProcess:
    return subprocess.run([GRIDOPS, *words], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_cli_prints_a_ranking_and_clear_errors(db, month, second_office):
    done = _gridops("assess", "--period", "2025-03", "--by", "street", "--scheme", "szcg")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "数字城管综合评分" in lines[0] and "2025-03" in lines[0]
    assert "按期结案率" in lines[1] and lines[2].startswith("1\t") and lines[3].startswith("2\t")
    assert "70.00" in lines[2] and "20.8%" in lines[3]
    done = _gridops("assess", "--period", "2025-03", "--scheme", "nosuch")
    assert done.returncode == 1 and done.stderr.startswith("error: no assessment scheme 'nosuch'")
    done = _gridops("assess", "--period", "2025-13")
    assert done.returncode == 1 and done.stderr.startswith("error: period must be") and "Traceback" not in done.stderr
    listed = _gridops("assess", "scheme", "list")
    assert listed.returncode == 0 and "szcg" in listed.stdout and "active: city, district, street" in listed.stdout


def test_composite_delegates_to_the_kpis_score(db, month):
    """'composite' is kpis.score over the period's days ending at its end; its parts add up to it."""
    got = schemes.score_all(db, schemes.load(db, "composite"), "street", ta.START, ta.END, {month["street"]: None})
    street = units.by_id(db, month["street"])
    expected = kpis.score(kpis.unit_kpis(db, street, now=ta.END, days=31))
    scored = got[month["street"]]
    assert expected is not None and scored.score == pytest.approx(expected)
    assert sum(p.points for p in scored.parts if p.points is not None) == pytest.approx(expected)
    with pytest.raises(ValueError, match="not by department"):
        schemes.score_all(db, schemes.load(db, "composite"), "department", ta.START, ta.END, {})


def test_composite_scores_every_unit_of_a_level_at_once_as_one_by_one(db):
    """The close scores a whole level in one set of statements (kpis.each_unit_kpis); each unit's
    score is the one kpis.score gives it alone (over the demo's last 30 days before its anchor)."""
    composite = schemes.load(db, "composite")
    start, end = ANCHOR - timedelta(days=30), ANCHOR
    for by in ("street", "community", "grid", "exclusive_grid"):
        figures = ta.indicators.assess(db, by, start, end)
        assert len(figures) >= 3, by
        got = schemes.score_all(db, composite, by, start, end, figures)
        for key in sorted(figures)[:12]:
            unit = units.by_id(db, key)
            alone = kpis.score(kpis.unit_kpis(db, unit, now=end, days=30))
            assert alone is not None and got[key].score == pytest.approx(alone), (by, unit.code)
