"""A drill-down render resolves a unit's children once per request, not once per panel."""

from __future__ import annotations

import ids
from geodata import units
from tests import dash_calls


def test_a_drill_down_render_reads_each_units_children_once(db, monkeypatch):
    import app
    from bench.client import signed_in

    reads = []
    real = units.fetch_columns

    def counted(name, params=None, *args, **kwargs):
        if name == "unit_children":
            reads.append(params["id"])
        return real(name, params, *args, **kwargs)

    monkeypatch.setattr(units, "fetch_columns", counted)
    client = signed_in(app.app, db)
    output = next(k for k in app.app.callback_map if f"{ids.UNIT_STATE}.data" in k)
    district = units.root_code(db)
    values = {
        (ids.UNIT_TICK, "n_intervals"): 0,
        (ids.UNIT_NAV, "href"): f"/unit/{district}",
        (ids.LANG, "data"): "zh",
        (ids.UNIT_TREND_DAYS, "value"): 30,
    }
    # A second request reads them again: nothing carries over between requests. (It asks in another
    # language: the same request again would get the first one's answer, callbacks/shared_ticks.py.)
    for lang in ("zh", "en"):
        values[(ids.LANG, "data")] = lang
        answer = client.post(
            "/_dash-update-component", json=dash_calls.body(output, app.app.callback_map[output], values)
        )
        assert answer.status_code == 200 and "unit-view level-district" in answer.get_data(as_text=True)
    district_id = units.by_code(db, district).id
    assert reads.count(district_id) == 2, reads
    assert len(reads) == len(set(reads)) * 2, reads  # every unit's children: once per request
