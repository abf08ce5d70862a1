"""Workbench behaviour (/work): the queues and the table follow the data through the refresh
protocol (callbacks/refresh.py); picking a case shows it with the steps the user may take now;
a step or a bulk dispatch is taken as the signed-in user (geodata/cases/work.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import flask
import psycopg2
from dash import ALL, ClientsideFunction, Input, Output, State, callback, clientside_callback, ctx, html, no_update
from dash.exceptions import PreventUpdate

import ids
from access.principal import Principal, current
from callbacks import refresh
from geodata import units
from geodata.cases import catalogue, lifecycle, photos
from geodata.cases import detail as case_detail
from geodata.cases import work as bench
from geodata.cases.detail import parse_id
from geodata.clock import TZ
from geodata.db import get_db
from geodata.inspections import rounds
from geodata.inspections.record import INSPECTOR_ROLES
from geodata.notify import history
from i18n import named, pick, t
from pages import _work_view as view
from pages._work_view import FIELDS

DUE_SHOWN = 12  # checkpoints due listed on the workbench (the phone lists them nearest first)


def _who() -> Principal:
    """The signed-in user; a wall display or a missing principal runs nothing here."""
    who = current()
    if who is None or who.kind != "user":
        raise PreventUpdate
    return who


@callback(
    Output(ids.WORK_QUEUES, "children"),
    Output(ids.WORK_TABLE, "data"),
    Output(ids.WORK_TABLE, "page_count"),
    Output(ids.WORK_TOTAL, "children"),
    Output(ids.WORK_STATUS, "children"),
    Output(ids.WORK_CATEGORY, "options"),
    Output(ids.WORK_BULK_DEPARTMENT, "options"),
    Output(ids.WORK_BULK_BAR, "style"),
    Output(ids.WORK_STATE, "data"),
    Input(ids.WORK_TICK, "n_intervals"),
    Input(ids.WORK_QUEUE, "data"),
    Input(ids.WORK_CATEGORY, "value"),
    Input(ids.WORK_TEXT, "value"),
    Input(ids.WORK_TABLE, "page_current"),
    Input(ids.WORK_DONE, "data"),
    State(ids.WORK_STATE, "data"),
    State(ids.WORK_CONFIG, "data"),
    running=[(Output(ids.WORK_TICK, "disabled"), True, False)],
)
def refresh_work(
    _n: int,
    queue: str | None,
    category: str | None,
    text: str | None,
    page_no: int | None,
    done: int | None,
    state: dict | None,
    config: dict | None,
) -> tuple:
    """A tick, a queue, a filter, a page or a step taken → the queues and the table, read again
    only when the data or what the page shows moved."""
    who = _who()
    lang = pick((config or {}).get("lang"))
    db = get_db()
    keys = bench.queues_of(who.role)
    queue = queue if queue in keys else None  # None: the first queue with work in it
    shows = {"queue": queue, "category": category, "text": text, "page": page_no or 0, "done": done, "lang": lang}

    def build(tick: refresh.Tick) -> tuple:
        counts = bench.counts(db, who.role, who.area)
        shown = queue or next((k for k in keys if counts.get(k)), keys[0] if keys else None)
        rows, total = (
            bench.page(db, who.role, who.area, shown, page_no or 0, category, text, counts) if shown else ([], 0)
        )
        cat = catalogue.get(db)
        may_dispatch = "dispatch" in lifecycle_actions(db, who.role)
        return (
            view.queue_buttons(keys, counts, shown, lang),
            view.table_rows(rows, lang),
            max(1, -(-total // bench.PAGE_SIZE)),
            view.total(shown, total, lang),
            view.status(tick.changed_at, lang),
            view.category_options(cat, lang),
            view.department_options(cat, lang),
            {"display": "flex"} if may_dispatch and shown == "to_dispatch" else {"display": "none"},
            {**shows, "versions": tick.versions, "last_ok": tick.changed_at.isoformat()},
        )

    def stale(held: dict) -> tuple:
        when = held.get("last_ok")
        line = view.status(datetime.fromisoformat(when), lang, "stale") if when else t("work.err.db", lang)
        return (*([no_update] * 4), line, *([no_update] * 3), {**held, "stale": True})

    return refresh.run(
        state,
        db,
        same=lambda: {k: (state or {}).get(k) for k in shows} == shows,
        build=build,
        recovered=build,
        stale=stale,
        loading=lambda: (*([no_update] * 4), t("work.err.db", lang), *([no_update] * 3), {"stale": True}),
    )


def lifecycle_actions(db, role: str) -> set[str]:
    """The steps a role may take at all."""
    with db.transaction() as cur:
        return lifecycle.role_actions(cur).get(role, set())


@callback(
    Output(ids.WORK_QUEUE, "data"),
    Output(ids.WORK_TABLE, "page_current"),
    Output(ids.WORK_TABLE, "selected_rows"),
    Input({"type": ids.WORK_QUEUE_BUTTON, "key": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def pick_queue(_clicks: list) -> tuple:
    """A queue's button → that queue, from its first page, nothing ticked."""
    picked = ctx.triggered_id
    if not isinstance(picked, dict) or not any(_clicks or []) or picked.get("key") not in bench.QUEUES:
        raise PreventUpdate
    return picked["key"], 0, []


@callback(
    Output(ids.WORK_CASE, "data"),
    Input(ids.WORK_TABLE, "active_cell"),
    State(ids.WORK_TABLE, "data"),
    prevent_initial_call=True,
)
def pick_case(cell: dict | None, rows: list | None) -> int:
    """A cell of the table → its case."""
    row = (cell or {}).get("row")
    if not isinstance(row, int) or not rows or not 0 <= row < len(rows):
        raise PreventUpdate
    case_id = parse_id(rows[row].get("id"))
    if case_id is None:
        raise PreventUpdate
    return case_id


@callback(
    Output(ids.WORK_DETAIL, "children"),
    Output(ids.WORK_ACTION, "options"),
    Output(ids.WORK_ACTION, "value"),
    Output(ids.WORK_FORMS, "data"),
    Output(ids.WORK_DEPARTMENT, "options"),
    Output(ids.WORK_DEPARTMENT, "value"),
    Input(ids.WORK_CASE, "data"),
    Input(ids.WORK_DONE, "data"),
    Input(ids.WORK_PHOTO_SENT, "data"),
    State(ids.WORK_CONFIG, "data"),
)
def show_case(case_id: int | None, _done: int, _photo: dict | None, config: dict | None) -> tuple:
    """The case picked (or picked again after a step) → its panel and the steps open to the user."""
    who = _who()
    lang = pick((config or {}).get("lang"))
    if not isinstance(case_id, int):
        return view.hint(lang), [], None, {}, [], None
    db = get_db()
    try:
        with db.transaction() as cur:
            case = bench.case_in_area(cur, case_id, who.area)
            if case is None:
                return view.missing(lang), [], None, {}, [], None
            forms = bench.forms(cur, case_id, who.role)
            shown = photos.of_case(cur, case_id)
        timeline = case_detail.timeline(db, case_id)
        detail = case_detail.detail(db, case_id)
        notified = history.of_case(db, case_id)
    except psycopg2.Error:
        return view.missing(lang, db_down=True), [], None, {}, [], None
    cat = catalogue.get(db)
    category = cat.categories.get(case["category_code"])
    suggested = case.get("department_code") or (category.department_code if category else None)
    options = [{"label": t(f"work.action.{a}", lang), "value": a} for a in forms]
    return (
        view.case_panel(detail, timeline, lang, has_actions=bool(forms), shown=shown, notified=notified),
        options,
        next(iter(forms), None),
        forms,
        view.department_options(cat, lang),
        suggested,
    )


@callback(
    *[Output(f"{ids.WORK_ROW}-{f}", "style") for f in FIELDS],
    Output(ids.WORK_WORDS_LABEL, "children"),
    Output(ids.WORK_WHEN_LABEL, "children"),
    Output(ids.WORK_SUBMIT, "disabled"),
    Input(ids.WORK_ACTION, "value"),
    State(ids.WORK_FORMS, "data"),
    State(ids.WORK_CONFIG, "data"),
)
def show_form(action: str | None, forms: dict | None, config: dict | None) -> tuple:
    """The step picked → the inputs its form asks for."""
    lang = pick((config or {}).get("lang"))
    wanted = set((forms or {}).get(action) or []) if action else set()
    shown = view.form_inputs(wanted)
    words = "reply" if "reply" in wanted else "reason" if "reason" in wanted else "note"
    when = "due" if "due" in wanted else "until"
    return (
        *[{"display": "flex" if f in shown else "none"} for f in FIELDS],
        t(f"work.field.{words}", lang),
        t(f"work.field.{when}", lang),
        not action,
    )


def _local_time(raw: str | None) -> datetime | None:
    """A datetime-local input's value (no zone) as a time of the territory's zone."""
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(str(raw)[:19])
    except ValueError:
        return None
    return value.replace(tzinfo=TZ) if value.tzinfo is None else value


@callback(
    Output(ids.WORK_MESSAGE, "children", allow_duplicate=True),
    Output(ids.WORK_DONE, "data", allow_duplicate=True),
    Output(ids.WORK_WORDS, "value"),
    Input(ids.WORK_SUBMIT, "n_clicks"),
    State(ids.WORK_CASE, "data"),
    State(ids.WORK_ACTION, "value"),
    State(ids.WORK_FORMS, "data"),
    State(ids.WORK_DEPARTMENT, "value"),
    State(ids.WORK_WORDS, "value"),
    State(ids.WORK_WHEN, "value"),
    State(ids.WORK_SCORE, "value"),
    State(ids.WORK_PASSED, "value"),
    State(ids.WORK_MERGE, "value"),
    State(ids.WORK_DONE, "data"),
    State(ids.WORK_CONFIG, "data"),
    prevent_initial_call=True,
)
def take_step(
    clicks: int,
    case_id: Any,
    action: Any,
    forms: dict | None,
    department: Any,
    words: Any,
    when: Any,
    score: Any,
    passed: Any,
    merged_into: Any,
    done: int | None,
    config: dict | None,
) -> tuple:
    """Submit → the step, taken as the user; the answer says what happened or what to fix."""
    who = _who()
    lang = pick((config or {}).get("lang"))
    if not clicks or not isinstance(case_id, int) or not isinstance(action, str):
        raise PreventUpdate
    wanted = set((forms or {}).get(action) or [])
    words = words if isinstance(words, str) and words.strip() else None
    fields: dict[str, Any] = {"note": words}
    if "reply" in wanted:
        fields = {"reply": words}
    elif "reason" in wanted:
        fields = {"reason": words}
    if "department" in wanted:
        fields["department"] = department
    if "until" in wanted or "due" in wanted:
        moment = _local_time(when)
        if moment is None:
            return view.error(t("work.err.fields", lang, fields=t("work.err.time", lang)), lang), no_update, no_update
        fields["until" if "until" in wanted else "due"] = moment
    if "satisfaction" in wanted:
        fields["satisfaction"] = score if isinstance(score, int) and not isinstance(score, bool) else None
    if "passed" in wanted:
        fields["passed"] = passed if isinstance(passed, bool) else None
    if "merged_into" in wanted:
        fields["merged_into"] = (
            merged_into if isinstance(merged_into, int) and not isinstance(merged_into, bool) else None
        )
    message = view.outcome(_step(who, case_id, action, fields), action, lang, catalogue.get(get_db()).statuses)
    ok = message.className.endswith("ok")
    return message, (done or 0) + 1, "" if ok else no_update


def _step(who: Principal, case_id: int, action: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Take one step; {"ok": moved} or {"error": kind, …} for the view to say."""
    try:
        moved = bench.act(get_db(), case_id, action, who.name, who.role, who.area, flask.request.remote_addr, **fields)
    except lifecycle.CaseNotFoundError:
        return {"error": "missing"}
    except lifecycle.NotPermittedError as exc:
        return {"error": "not_permitted", "allowed": exc.allowed}
    except lifecycle.TransitionError as exc:
        return {"error": "transition", "status": exc.current, "allowed": exc.allowed}
    except lifecycle.FieldError as exc:
        return {"error": "fields", "fields": exc.errors}
    except psycopg2.Error:
        return {"error": "db"}
    return {"ok": moved}


@callback(
    Output(ids.WORK_MESSAGE, "children", allow_duplicate=True),
    Output(ids.WORK_DONE, "data", allow_duplicate=True),
    Output(ids.WORK_TABLE, "selected_rows", allow_duplicate=True),
    Input(ids.WORK_BULK, "n_clicks"),
    State(ids.WORK_TABLE, "selected_rows"),
    State(ids.WORK_TABLE, "data"),
    State(ids.WORK_BULK_DEPARTMENT, "value"),
    State(ids.WORK_DONE, "data"),
    State(ids.WORK_CONFIG, "data"),
    prevent_initial_call=True,
)
def bulk_dispatch(
    clicks: int, selected: Any, rows: Any, department: Any, done: int | None, config: dict | None
) -> tuple:
    """批量派单: every ticked case to one department, each as its own step; the answer counts both."""
    who = _who()
    lang = pick((config or {}).get("lang"))
    if not clicks:
        raise PreventUpdate
    picked = [
        rows[i].get("id")
        for i in (selected or [])
        if isinstance(i, int) and isinstance(rows, list) and 0 <= i < len(rows)
    ]
    case_ids = [c for c in (parse_id(p) for p in picked) if c is not None]
    if not case_ids:
        return view.error(t("work.bulk.none", lang), lang), no_update, no_update
    results = [_step(who, c, "dispatch", {"department": department}) for c in case_ids[: bench.PAGE_SIZE]]
    return view.bulk_outcome(case_ids, results, lang, catalogue.get(get_db()).statuses), (done or 0) + 1, []


# A photo goes from the browser straight to the photos API (multipart, with the page's form token):
# its bytes never pass through a callback, whose requests stay small. The answer reloads the panel.
clientside_callback(
    ClientsideFunction("gridops_work", "send_photo"),
    Output(ids.WORK_PHOTO_SENT, "data"),
    Output(ids.WORK_PHOTO_MESSAGE, "children"),
    Input(ids.WORK_UPLOAD, "contents"),
    State(ids.WORK_UPLOAD, "filename"),
    State(ids.WORK_CASE, "data"),
    State(ids.WORK_PHOTO_STAGE, "value"),
    State(ids.WORK_FORM_TOKEN, "data"),
    State(ids.WORK_PHOTO_WORDS, "data"),
    prevent_initial_call=True,
)


@callback(
    Output(ids.WORK_INSPECT, "children"),
    Input(ids.WORK_TICK, "n_intervals"),
    State(ids.WORK_CONFIG, "data"),
)
def due_checkpoints(_tick: int, config: dict | None) -> Any:
    """For an inspecting role: the checkpoints due in the running rounds of the user's area, each
    opening the inspection form (the phone's, in a tab of its own)."""
    who = _who()
    if who.role not in INSPECTOR_ROLES:
        return []
    db = get_db()
    try:
        due = rounds.due(db, who.area or units.top(db), limit=DUE_SHOWN)
    except psycopg2.Error:
        raise PreventUpdate from None
    return view.due_list(due, pick((config or {}).get("lang")))


@callback(
    Output(ids.WORK_ROUND, "style"),
    Output(ids.WORK_ROUND_TYPE, "options"),
    Output(ids.WORK_ROUND_UNIT, "options"),
    Input(ids.WORK_CONFIG, "data"),
)
def round_form(config: dict | None) -> tuple:
    """The round form, for the roles that may make a round: the types, and the units of the area."""
    who = _who()
    if who.role not in rounds.ROUND_ROLES:
        return {"display": "none"}, [], []
    lang = pick((config or {}).get("lang"))
    db = get_db()
    kinds = [{"label": named(r, "name", lang), "value": r["code"]} for r in rounds.types(db)]
    places = [
        {"label": name if not parent else f"{parent} › {name}", "value": code}
        for code, name, _, parent in units.pickable(db, who.area)
    ]
    return {}, kinds, places


@callback(
    Output(ids.WORK_ROUND_MESSAGE, "children"),
    Input(ids.WORK_ROUND_MAKE, "n_clicks"),
    State(ids.WORK_ROUND_NAME, "value"),
    State(ids.WORK_ROUND_START, "value"),
    State(ids.WORK_ROUND_END, "value"),
    State(ids.WORK_ROUND_TYPE, "value"),
    State(ids.WORK_ROUND_UNIT, "value"),
    State(ids.WORK_CONFIG, "data"),
    prevent_initial_call=True,
)
def make_round(_n: int, name, start, end, kind, unit, config: dict | None) -> Any:
    """Make the round as the signed-in user; its due count, or what to fix."""
    who = _who()
    lang = pick((config or {}).get("lang"))
    if who.role not in rounds.ROUND_ROLES:
        return t("work.round.refused", lang)
    db = get_db()
    area = who.area or units.top(db)
    code = unit or (area.code if area is not None else None)
    if unit and not units.within(units.by_code(db, unit), who.area):
        return t("work.round.refused", lang)
    try:
        made = rounds.create(
            db, name or "", start, end, who.name, type_code=kind, unit_code=code, ip=flask.request.remote_addr
        )
    except rounds.RoundError as exc:
        fields = [t(f"work.round.field.{f}", lang) for f in exc.errors]
        return html.Span(t("work.round.fix", lang, fields="、".join(fields)), className="bad")
    except psycopg2.Error:
        return html.Span(t("map.stale", lang), className="bad")
    return t("work.round.made", lang, due=made["due"], covered=made["covered"])
