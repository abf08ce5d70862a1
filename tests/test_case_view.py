"""The case view: facts and timeline from the database; a clear page for unknown or bad ids."""

from __future__ import annotations

from callbacks.case import case_body
from geodata.cases import lifecycle
from pages._case_view import when
from tests.cases import insert_case

BASE = "http://127.0.0.1:8050/"


def test_a_case_shows_its_facts_and_every_logged_step(db):
    with db.transaction() as cur:
        case_id = insert_case(cur, 113.77, 34.71, "T-VIEW-1")
    with db.transaction() as cur:
        lifecycle.apply(cur, case_id, "dispatch", "区城运中心", department="CGJ", note="网格吹哨")
    with db.transaction() as cur:
        cur.execute("SELECT at FROM case_events WHERE case_id = %s", (case_id,))
        (at,) = cur.fetchone()
    text = str(case_body({"id": str(case_id), "lang": "zh"}, BASE))
    assert f"#{case_id}" in text and "暴露垃圾" in text and "城市管理局" in text
    assert "网格吹哨" in text and "区城运中心" in text and when(at) in text
    assert "Timeline" in str(case_body({"id": str(case_id), "lang": "en"}, BASE))


def test_unknown_or_malformed_ids_say_the_case_does_not_exist(db):
    for bad in ("abc", "0", "-1", "1e3", "99999999999999999999999", "", None, str(10**12)):
        assert "案件不存在" in str(case_body({"id": bad, "lang": "zh"}, BASE)), bad
