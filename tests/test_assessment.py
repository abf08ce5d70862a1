"""Assessment indicators on the standard base (geodata/assessment, docs/assessment.md).

A fixture month (2025-03, far before the demo city's cases) is inserted as the owner role into the
demo grid worker's grid, most cases with one department: cases closed on time and late, overdue
ones carried in, an extension, parked cases, reworks, supervision, ratings, void reports. Every
indicator is then computed here from the raw rows in plain Python, following the definitions of
docs/assessment.md, and compared with what the one statement per grouping returns, for the grid,
its street office, the department and the grid worker's post."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg2
import pytest

from geodata import kpis, units
from geodata.assessment import indicators, periods
from geodata.assessment.indicators import INDICATORS, Figures, assess, shown
from geodata.clock import TZ

START = datetime(2025, 3, 1, tzinfo=TZ)
END = datetime(2025, 4, 1, tzinfo=TZ)
TAG = "T-ASSESS-"
WORKER = "gridworker"  # the demo grid worker
ANSWERED = ("resolved", "rated", "closed")
VOID = ("rejected", "merged")
LIMIT = timedelta(hours=24)  # the response and check limits the test passes


def at(month: int, day: int, hour: int = 9, year: int = 2025) -> datetime:
    """A Beijing time."""
    return datetime(year, month, day, hour, tzinfo=TZ)


@dataclass
class Case:
    """One fixture case, as inserted; ``events`` beyond the first (reported) one."""

    tag: str
    reported: datetime
    deadline: datetime
    status: str = "accepted"
    dept: bool = True
    reporter: str = "12345"
    accepted: datetime | None = None
    resolved: datetime | None = None
    closed_at: datetime | None = None
    rated: datetime | None = None
    satisfaction: int | None = None
    deadline_original: datetime | None = None
    extension_count: int = 0
    parked_at: datetime | None = None
    parked_deadline: datetime | None = None
    supervised: datetime | None = None
    supervise_due: datetime | None = None
    rework_count: int = 0
    events: list[tuple[str, str, str, datetime]] = field(default_factory=list)  # action, from, to, at

    def __post_init__(self) -> None:
        if self.accepted is None and self.status != "reported" and self.status not in VOID:
            self.accepted = self.reported + timedelta(hours=2)


def resolve(t: datetime) -> tuple[str, str, str, datetime]:
    return ("resolve", "accepted", "resolved", t)


def verify(t: datetime, passed: bool = True) -> tuple[str, str, str, datetime]:
    return ("verify", "resolved", "resolved" if passed else "accepted", t)


def fixture_cases() -> list[Case]:
    """The fixture month's cases (hand counts in test_hand_counted_values)."""
    cases = [
        # A: closed on time, rated 5, checked within the limit; reported by the grid worker
        Case(
            "A",
            at(3, 2),
            at(3, 5),
            "rated",
            reporter=WORKER,
            resolved=at(3, 4),
            rated=at(3, 6),
            satisfaction=5,
            events=[resolve(at(3, 4)), verify(at(3, 4, 20))],
        ),
        # B: closed late, rated 2, checked late
        Case(
            "B",
            at(3, 3),
            at(3, 6),
            "rated",
            reporter=WORKER,
            resolved=at(3, 8),
            rated=at(3, 9),
            satisfaction=2,
            events=[resolve(at(3, 8)), verify(at(3, 10))],
        ),
        # C: overdue since February, still open
        Case("C", at(2, 20), at(2, 25), dept=False),
        # D: overdue since February, closed (late) in March
        Case("D", at(2, 10), at(2, 15), "resolved", resolved=at(3, 10), events=[resolve(at(3, 10))]),
        # E: filed in March, due in April, open: not due
        Case("E", at(3, 20), at(4, 5)),
        # F: due in March, open at the end
        Case("F", at(3, 25), at(3, 28)),
        # G: extended from 8 to 20 March, closed on the 15th: late by the original deadline
        Case(
            "G",
            at(3, 5),
            at(3, 20),
            "resolved",
            resolved=at(3, 15),
            deadline_original=at(3, 8),
            extension_count=1,
            events=[("approve_extension", "accepted", "accepted", at(3, 7)), resolve(at(3, 15))],
        ),
        # H: parked on the 3rd (its deadline the 4th): out of the base, counted as parked
        Case("H", at(3, 1), datetime.max.replace(tzinfo=TZ), parked_at=at(3, 3), parked_deadline=at(3, 4)),
        # I: due on the 12th, parked only in April: overdue at the end of March
        Case("I", at(3, 10), datetime.max.replace(tzinfo=TZ), parked_at=at(4, 3), parked_deadline=at(3, 12)),
        # J: reworked once (check failed within the limit), answered again on time, checked late
        Case(
            "J",
            at(3, 6),
            at(3, 12),
            "closed",
            reporter=WORKER,
            resolved=at(3, 11),
            closed_at=at(3, 14),
            rework_count=1,
            events=[
                resolve(at(3, 8)),
                verify(at(3, 8, 15), passed=False),
                resolve(at(3, 11)),
                verify(at(3, 13)),
                ("close", "resolved", "closed", at(3, 14)),
            ],
        ),
        # K, L: void reports of the grid worker (rejected, merged into A)
        Case("K", at(3, 7), at(3, 10), "rejected", dept=False, reporter=WORKER, closed_at=at(3, 7, 12)),
        Case("L", at(3, 8), at(3, 11), "merged", dept=False, reporter=WORKER, closed_at=at(3, 8, 12)),
        # M: supervised on the 10th, due the 15th, done on the 14th
        Case(
            "M",
            at(3, 9),
            at(3, 14),
            "resolved",
            resolved=at(3, 14, 8),
            supervised=at(3, 10),
            supervise_due=at(3, 15),
            events=[resolve(at(3, 14, 8))],
        ),
        # N: supervised on the 20th, still open and overdue
        Case("N", at(3, 18), at(3, 22), supervised=at(3, 20), supervise_due=at(3, 25)),
        # O: closed in February, rated in March
        Case("O", at(1, 5), at(1, 8), "rated", resolved=at(2, 10), rated=at(3, 2), satisfaction=4),
        # P: closed in February, nothing in March: outside the period
        Case("P", at(1, 5), at(1, 8), "resolved", resolved=at(2, 1)),
        # Q: closed early (due in April), its check due in April
        Case("Q", at(3, 30), at(4, 2), "resolved", resolved=at(3, 31, 10), events=[resolve(at(3, 31, 10))]),
        # R: due on the 31st, closed on 2 April: overdue at the end of March
        Case("R", at(3, 28), at(3, 31, 9), "resolved", resolved=at(4, 2), events=[resolve(at(4, 2))]),
        # S: filed in April
        Case("S", at(4, 2), at(4, 5)),
        # T: accepted after 50 hours (late response), closed on time
        Case(
            "T",
            at(3, 12),
            at(3, 20),
            "resolved",
            accepted=at(3, 14, 11),
            resolved=at(3, 19),
            events=[resolve(at(3, 19))],
        ),
        # U: never dispatched, overdue, not responded
        Case("U", at(3, 15), at(3, 18), "reported", dept=False),
        # V: answered on 28 February at noon, checked on 1 March: a check due and done in March
        Case(
            "V",
            at(2, 20),
            at(2, 27),
            "resolved",
            resolved=at(2, 28, 12),
            events=[resolve(at(2, 28, 12)), verify(at(3, 1, 8))],
        ),
    ]
    # an office that leaves its overdue cases open: ten more from February
    cases += [Case(f"X{i}", at(2, 1 + i), at(2, 4 + i)) for i in range(10)]
    return cases


INSERT = """
INSERT INTO cases (source, external_id, category_code, status, geom, city_id, district_id, street_id, community_id,
                   grid_id, department_id, reported_at, dispatched_at, accepted_at, resolved_at, closed_at, rated_at,
                   satisfaction, deadline_at, deadline_original_at, extension_count, parked_at, parked_deadline_at,
                   supervised_at, supervise_due_at, rework_count, merged_into)
SELECT 'hotline', %(external_id)s, '0101', %(status)s, u.label_point, u.city_id, u.district_id, u.street_id,
       u.community_id, u.id, %(department_id)s, %(reported)s, %(dispatched)s, %(accepted)s, %(resolved)s,
       %(closed_at)s, %(rated)s, %(satisfaction)s, %(deadline)s, %(deadline_original)s, %(extension_count)s,
       %(parked_at)s, %(parked_deadline)s, %(supervised)s, %(supervise_due)s, %(rework_count)s, %(merged_into)s
  FROM units u WHERE u.id = %(grid_id)s
RETURNING id
"""
EVENT = "INSERT INTO case_events (case_id, at, from_status, to_status, action, actor) VALUES (%s, %s, %s, %s, %s, %s)"


def _delete_fixture(cur) -> None:
    cur.execute("DELETE FROM cases WHERE external_id LIKE %s", (TAG + "%",))


@pytest.fixture(scope="module")
def month(admin_dsn_, db):
    """The fixture month in the grid worker's grid: {cases, grid, street, department}."""
    conn = psycopg2.connect(admin_dsn_)
    try:
        with conn, conn.cursor() as cur:
            _delete_fixture(cur)
            cur.execute(
                "SELECT g.id, g.street_id FROM users u JOIN units g ON g.code = u.scope_code WHERE u.username = %s",
                (WORKER,),
            )
            grid_id, street_id = cur.fetchone()
            cur.execute("SELECT id FROM departments ORDER BY code LIMIT 1")
            dept_id = cur.fetchone()[0]
            ids: dict[str, int] = {}
            for c in fixture_cases():
                cur.execute(
                    INSERT,
                    {
                        **{k: v for k, v in vars(c).items() if k not in ("tag", "dept", "reporter", "events")},
                        "external_id": TAG + c.tag,
                        "department_id": dept_id if c.dept else None,
                        "dispatched": c.accepted - timedelta(hours=1) if c.accepted else None,
                        "deadline": "infinity" if c.parked_at else c.deadline,
                        "merged_into": ids["A"] if c.status == "merged" else None,
                        "grid_id": grid_id,
                    },
                )
                ids[c.tag] = cur.fetchone()[0]
                cur.execute(EVENT, (ids[c.tag], c.reported, None, "reported", None, c.reporter))
                for action, src, dst, when in c.events:
                    cur.execute(EVENT, (ids[c.tag], when, src, dst, action, "verifier"))
        yield {"cases": fixture_cases(), "grid": grid_id, "street": street_id, "department": dept_id}
    finally:
        with conn, conn.cursor() as cur:
            _delete_fixture(cur)
        conn.close()


# ---- the indicators computed from the raw rows, as docs/assessment.md defines them ----------------


def ended(c: Case) -> datetime | None:
    if c.status in ANSWERED:
        return c.resolved
    return c.closed_at if c.status in VOID else None


def due_at(c: Case) -> datetime:
    return c.deadline_original or c.parked_deadline or c.deadline


def within(t: datetime | None) -> bool:
    return t is not None and START <= t < END


def expected_area(cases: list[Case]) -> dict[str, int]:
    """The counts of units and departments over [START, END), from the cases of the unit."""
    n = dict.fromkeys(("filed", "due", "closed", "closed_on_time", "overdue_open", "reworked", "extended"), 0)
    n |= dict.fromkeys(("parked", "supervised", "supervised_done", "responded", "solved", "rated", "satisfied"), 0)
    for c in cases:
        end = ended(c)
        rated_in = c.rated is not None and c.rated >= START
        if c.status in VOID or c.reported >= END or not (end is None or end >= START or rated_in):
            continue
        filed = c.reported >= START
        closed = c.status in ANSWERED and within(end)
        open_at_end = end is None or end >= END
        parked = c.parked_at is not None and c.parked_at < END
        overdue_open = open_at_end and due_at(c) < END and not parked
        n["filed"] += filed
        n["closed"] += closed
        n["closed_on_time"] += closed and end <= due_at(c)
        n["overdue_open"] += overdue_open
        n["due"] += closed or overdue_open
        n["reworked"] += sum(a == "verify" and dst == "accepted" and within(t) for a, _, dst, t in c.events)
        n["extended"] += sum(a == "approve_extension" and within(t) for a, _, _, t in c.events)
        n["parked"] += parked
        n["supervised"] += within(c.supervised)
        n["supervised_done"] += within(c.supervised) and c.status in ANSWERED and end <= c.supervise_due
        responded = c.accepted or (end if c.status in ANSWERED else None)
        n["responded"] += filed and responded is not None and responded <= c.reported + LIMIT
        n["solved"] += filed and c.status in ANSWERED
        n["rated"] += within(c.rated) and c.satisfaction is not None
        n["satisfied"] += within(c.rated) and (c.satisfaction or 0) >= 4
    return n


def expected_post(cases: list[Case]) -> dict[str, int]:
    """The grid worker's counts: its reports, and the checks of its grid's answers."""
    n = dict.fromkeys(("reports", "valid_reports", "checks_due", "checks_on_time"), 0)
    for c in cases:
        if c.reporter == WORKER and within(c.reported):
            n["reports"] += 1
            n["valid_reports"] += c.status not in VOID
        for _action, src, dst, t in c.events:
            if dst == "resolved" and src != "resolved" and within(t + LIMIT):
                n["checks_due"] += 1
                n["checks_on_time"] += any(a == "verify" and t <= v <= t + LIMIT for a, _, _, v in c.events)
    return n


def expected_rates(counts: dict[str, int]) -> dict[str, float | None]:
    """Every rate of the table from the counts, num / den, None over zero."""
    return {
        i.key: (counts[i.num] / counts[i.den] if counts[i.den] else None)
        for i in INDICATORS
        if i.den is not None and i.num in counts
    }


def compare(got: Figures, counts: dict[str, int]) -> None:
    for key, value in counts.items():
        assert got.value(key) == value, key
    for key, value in expected_rates(counts).items():
        if value is None:
            assert got.value(key) is None, key
        else:
            assert got.value(key) == pytest.approx(value), key


def run(db, by: str, only: list) -> Figures:
    found = assess(db, by, START, END, only, response_hours=LIMIT.total_seconds() / 3600, verify_hours=24)
    assert list(found) == only
    return found[only[0]]


# ---- the tests -------------------------------------------------------------------------------------


def test_hand_counted_values(month):
    """The reference above agrees with a count by hand (so the comparisons below test something)."""
    area = expected_area(month["cases"])
    assert area["filed"] == 14  # A B E F G H I J M N Q R T U (K and L are void)
    assert area["closed"] == 8  # A B D G J M Q T
    assert area["closed_on_time"] == 5  # A J M Q T (G late by its original deadline)
    assert area["overdue_open"] == 16  # C F I N R U and the ten X
    assert area["due"] == 24
    assert area["parked"] == 1  # H
    assert (area["reworked"], area["extended"]) == (1, 1)
    assert (area["supervised"], area["supervised_done"]) == (2, 1)
    assert (area["rated"], area["satisfied"]) == (3, 2)  # A B O
    assert area["responded"] == 12  # all filed but T (accepted after 50 hours) and U (never)
    post = expected_post(month["cases"])
    # reports A B J K L; checks due for the answers of A B D G J J M T V, in time for A, J's first, V
    assert post == {"reports": 5, "valid_reports": 3, "checks_due": 9, "checks_on_time": 3}


def test_unit_indicators_at_grid_and_street_level(db, month):
    counts = expected_area(month["cases"])
    compare(run(db, "grid", [month["grid"]]), counts)
    compare(run(db, "street", [month["street"]]), counts)


def test_department_indicators(db, month):
    compare(run(db, "department", [month["department"]]), expected_area([c for c in month["cases"] if c.dept]))


def test_post_indicators(db, month):
    compare(run(db, "post", [WORKER]), expected_post(month["cases"]))


def test_standard_base_is_lower_than_the_old_wall_base_for_an_office_with_overdue_open_cases(db, month):
    """The issue's point: on time ÷ resolved (the wall's base before, still the composite score's
    input) flatters an office that leaves overdue cases open; the standard base (on time ÷ 应结案数)
    does not, and the wall's card now takes it."""
    grid = units.by_id(db, month["grid"])
    card = kpis.unit_kpis(db, grid, now=END, days=31)["on_time_rate"]
    standard = run(db, "grid", [month["grid"]]).value("on_time_rate")
    old = kpis.on_time_of_resolved(card)
    assert old == pytest.approx(6 / 8) and standard == pytest.approx(5 / 24)
    # The card: the cases closed in the window plus those overdue and open at its end. It holds a
    # case to its current deadline, so G, on time by its extension, counts on time there, and a case
    # overdue by its original deadline but within its extension is not yet due (23, not 24).
    assert (card.num, card.den) == (6, 23)
    assert standard < card.value < old


def test_an_empty_base_is_none_shown_as_a_dash(db, month):
    quiet = periods.day(date(2024, 12, 20))  # before every fixture case
    post = assess(db, "post", quiet.start, quiet.end, [WORKER])[WORKER]
    assert post.value("reports") == 0
    assert post.value("valid_report_rate") is None and post.value("verify_on_time_rate") is None
    assert shown(post.value("valid_report_rate")) == "—"
    assert shown(0.5) == "50.0%" and shown(0) == "0"
    assert assess(db, "grid", quiet.start, quiet.end, [month["grid"]]) == {}


def test_every_indicator_is_defined_once_and_documented():
    keys = [i.key for i in INDICATORS]
    assert len(keys) == len(set(keys))
    names = [i.name for i in INDICATORS]
    assert len(names) == len(set(names))
    doc = (Path(__file__).resolve().parent.parent / "docs" / "assessment.md").read_text(encoding="utf-8")
    for i in INDICATORS:
        assert i.name in doc and f"`{i.key}`" in doc, i.key
        if i.den is not None:
            assert i.num in indicators.BY_KEY and i.den in indicators.BY_KEY


def test_bad_groupings_and_bounds_are_refused(db):
    with pytest.raises(ValueError, match="assess by one of"):
        assess(db, "planet", START, END)
    with pytest.raises(ValueError, match="zone"):
        assess(db, "grid", datetime(2025, 3, 1), END)
    with pytest.raises(ValueError, match="before its end"):
        assess(db, "grid", END, START)


def test_period_helpers():
    m = periods.parse("2026-11")
    assert (m.start, m.end, m.kind) == (datetime(2026, 11, 1, tzinfo=TZ), datetime(2026, 12, 1, tzinfo=TZ), "month")
    assert m.start.isoformat() == "2026-11-01T00:00:00+08:00"
    q = periods.parse("2026-Q4")
    assert (q.start, q.end, q.kind) == (datetime(2026, 10, 1, tzinfo=TZ), datetime(2027, 1, 1, tzinfo=TZ), "quarter")
    assert periods.parse("2026-q1").end == datetime(2026, 4, 1, tzinfo=TZ)
    y = periods.parse("2026")
    assert (y.start, y.end, y.kind) == (datetime(2026, 1, 1, tzinfo=TZ), datetime(2027, 1, 1, tzinfo=TZ), "year")
    d = periods.parse("2026-11-05")
    assert (d.start, d.end, d.kind) == (datetime(2026, 11, 5, tzinfo=TZ), datetime(2026, 11, 6, tzinfo=TZ), "day")
    c = periods.parse("2026-11-01..2026-11-15")
    assert (c.start, c.end, c.kind) == (datetime(2026, 11, 1, tzinfo=TZ), datetime(2026, 11, 16, tzinfo=TZ), "custom")
    assert periods.parse("2026-12").end == datetime(2027, 1, 1, tzinfo=TZ)
    for p in (m, q, y, d, c):
        assert periods.parse(p.label) == p
    for bad in ("2026-13", "2026-Q5", "Nov 2026", "2026/11", "", "26-11", "2026-11-01..", "2026-02-30"):
        with pytest.raises(ValueError, match=r"YYYY-MM|no such day|no month") as err:
            periods.parse(bad)
        assert bad in str(err.value) or repr(bad) in str(err.value)
    with pytest.raises(ValueError, match="must not be before"):
        periods.parse("2026-11-10..2026-11-01")
    with pytest.raises(ValueError, match="YYYY-MM"):
        periods.parse(202611)  # type: ignore[arg-type]


def test_a_whole_period_at_once_gives_each_groupings_own_figures(db, month):
    together = indicators.assess_all(db, START, END, ("grid", "street", "department", "post"))
    assert together["grid"][month["grid"]].values() == assess(db, "grid", START, END)[month["grid"]].values()
    assert together["street"][month["street"]].values() == assess(db, "street", START, END)[month["street"]].values()
    assert together["department"] == assess(db, "department", START, END)
    assert together["post"][WORKER].values() == assess(db, "post", START, END)[WORKER].values()
    every = indicators.assess_all(db, START, END)  # each level the territory has, departments, posts
    assert {"district", "street", "community", "grid", "department", "post"} <= set(every)
