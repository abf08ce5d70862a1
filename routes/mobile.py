"""/m: the grid worker's phone (网格员手机端), server-rendered for a 375-px screen and a slow network.

Plain HTML forms that work before (and without) any script: one small script fills in the place
from the browser's geolocation. No map, no framework bundle: a page is a few kilobytes, and a
photo is the only large thing sent.

- ``/m``               随手拍: report a case (category, photo, place, description)
- ``/m/grid``          我的网格: the open cases of my grid, and those waiting for my check
- ``/m/mine``          我的上报: the cases I reported, with their progress
- ``/m/case/<id>``     one case: facts, photos, progress; the check (核查) and adding a photo
- ``/m/notices``       the user's notices (routes/mobile_notices.py); every page's header counts the unread

A report is idempotent: the form carries a key made when it was drawn, so a form sent twice on a
flaky connection makes one case.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import flask

from access import csrf
from access.principal import current
from api.photos import UPLOADER_ROLES
from geodata.cases import catalogue, intake, lifecycle, photos, work
from geodata.cases.detail import events, parse_id
from geodata.clock import TZ
from geodata.db import SCOPE, get_db
from geodata.inspections.record import INSPECTOR_ROLES
from geodata.notify import history, notices
from geodata.storage import StoreError
from i18n import lang_query, named, pick, t
from pages import _notify_steps as notify_steps

REPORT_SOURCE = "patrol"  # 网格巡查
KEY = re.compile(r"^m-[0-9a-f]{32}$")
DONE = {"verified": "m.verify.passed", "rework": "m.verify.failed", "photo": "m.photo.added"}
TABS = (("m.tab.report", "/m"), ("m.tab.grid", "/m/grid"), ("m.tab.inspect", "/m/inspect"), ("m.tab.mine", "/m/mine"))


def _who():
    who = current()
    return who if who is not None and who.kind == "user" and who.role in UPLOADER_ROLES else None


def _page(template: str, lang: str, status: int = 200, **values: Any) -> flask.Response:
    who = current()
    body = flask.render_template(
        template,
        lang=lang,
        t=lambda key, **v: t(key, lang, **v),
        named=lambda row, key: named(row, key, lang),
        csrf=csrf.token(),
        tabs=[tab for tab in TABS if tab[1] != "/m/inspect" or (who is not None and who.role in INSPECTOR_ROLES)],
        path=flask.request.path,
        who=who,
        place=who.scope.name if who is not None else "",
        q=lang_query(lang, "?"),
        at=_local,
        unread=notices.unread_count(get_db(), who.user_id) if who is not None and who.user_id is not None else 0,
        **values,
    )
    response = flask.Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _local(ts: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    """A time as the territory's clock shows it (the database answers in UTC)."""
    return ts.astimezone(TZ).strftime(fmt) if ts else "—"


def _refuse(lang: str) -> flask.Response:
    return flask.Response(t("m.error.not_yours", lang), status=403, mimetype="text/plain; charset=utf-8")


def _categories(lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group name, [(code, name)]) for the category picker."""
    cat = catalogue.get(get_db())
    groups: dict[str | None, list[tuple[str, str]]] = {}
    for c in cat.categories.values():
        if c.leaf:
            groups.setdefault(c.parent_code, []).append((c.code, named(vars(c), "name", lang)))
    out = []
    for parent, leaves in groups.items():
        group = cat.categories.get(parent) if parent else None
        out.append((named(vars(group), "name", lang) if group else "", sorted(leaves)))
    return out


def report_form() -> flask.Response:
    """GET /m: the 随手拍 form."""
    lang = pick(flask.request.args.get("lang"))
    if _who() is None:
        return _refuse(lang)
    return _page("m_report.html", lang, categories=_categories(lang), key=f"m-{uuid.uuid4().hex}", form={}, error=None)


def report() -> flask.Response:
    """POST /m/report: take in the case with its photo; the form again, with what to fix, when not."""
    form = flask.request.form
    lang = pick(form.get("lang"))
    who = _who()
    if who is None:
        return _refuse(lang)

    def again(error: str, status: int = 400) -> flask.Response:
        key = form.get("key", "")
        return _page(
            "m_report.html",
            lang,
            status,
            categories=_categories(lang),
            key=key if KEY.match(key) else f"m-{uuid.uuid4().hex}",
            form=form,
            error=error,
        )

    if not csrf.ok(form):
        return again(t("m.error.expired", lang))
    category = form.get("category", "")
    if not category:
        return again(t("m.error.category", lang))
    description = form.get("description", "").strip()
    if len(description) > 2000:
        return again(t("m.error.description", lang))
    place = _place(form, who)
    if place is None:
        return again(t("m.error.place", lang))
    upload = flask.request.files.get("photo")
    data = upload.stream.read() if upload is not None else b""
    if not data:
        return again(t("m.error.photo", lang))
    try:
        checked = photos.check(data)
    except photos.PhotoError as exc:
        return again(t(f"photo.error.{exc.code}", lang), 422)
    key = form.get("key", "")
    new = intake.NewCase(
        source=REPORT_SOURCE,
        external_id=key if KEY.match(key) else f"m-{uuid.uuid4().hex}",
        category=category,
        lon=place[0],
        lat=place[1],
        actor=who.name,
        description=description or None,
        address=form.get("address", "").strip()[:200] or None,
    )
    db = get_db()
    token = SCOPE.set(("all", 0))  # a grid worker reports what they find, also outside their grid
    try:
        intake.check(db, new, datetime.now(UTC))
        case_id, row = intake.create(db, new)
        if row is not None:  # a repeat of a form already taken in keeps the photo it came with
            with db.transaction() as cur:
                photos.save(cur, case_id, "report", checked, who.name, flask.request.remote_addr)
    except lifecycle.FieldError:
        return again(t("m.error.category", lang))
    except intake.OutsideTerritoryError:
        return again(t("m.error.outside", lang), 422)
    except StoreError:
        return again(t("m.error.store", lang), 503)
    finally:
        SCOPE.reset(token)
    return flask.redirect(f"/m/mine?done={case_id}" + lang_query(lang, "&"), code=303)


def _place(form, who) -> tuple[float, float] | None:
    """(lon, lat) from the browser's fix, else the grid's centre when asked for."""
    try:
        lon, lat = float(form.get("lon", "")), float(form.get("lat", ""))
        if -180 <= lon <= 180 and -90 <= lat <= 90:
            return lon, lat
    except ValueError:
        pass
    if form.get("use_grid") == "1":
        return work.inside_point(get_db(), who.scope)
    return None


def grid() -> flask.Response:
    """GET /m/grid: my grid's open cases and those waiting for my check."""
    lang = pick(flask.request.args.get("lang"))
    who = _who()
    if who is None:
        return _refuse(lang)
    db = get_db()
    role = who.role if who.role in ("gridworker", "verifier") else "gridworker"
    open_here, open_total = work.page(db, role if role == "gridworker" else "gridworker", who.area, "open_here")
    to_verify, verify_total = work.page(db, role, who.area, "to_verify")
    return _page(
        "m_grid.html",
        lang,
        open_here=open_here,
        open_total=open_total,
        to_verify=to_verify,
        verify_total=verify_total,
    )


def mine() -> flask.Response:
    """GET /m/mine: what I reported."""
    lang = pick(flask.request.args.get("lang"))
    who = _who()
    if who is None:
        return _refuse(lang)
    done = parse_id(flask.request.args.get("done", ""))
    return _page("m_mine.html", lang, rows=work.reported_by(get_db(), who.name), done=done)


def _case(case_id: int, who) -> tuple[dict, list, list, list[str]] | None:
    db = get_db()
    with db.transaction() as cur:
        row = work.case_in_area(cur, case_id, who.area)
        if row is None:
            return None
        shown = photos.of_case(cur, case_id)
        timeline = events(cur, case_id)
        allowed = lifecycle.allowed_actions(cur, lifecycle.state(cur, case_id), who.role)
    return row, shown, timeline, allowed


def case(raw_id: str) -> flask.Response:
    """GET /m/case/<id>: one case as a phone shows it."""
    lang = pick(flask.request.args.get("lang"))
    who = _who()
    case_id = parse_id(raw_id)
    found = _case(case_id, who) if who is not None and case_id is not None else None
    if found is None:
        return flask.Response(t("m.error.not_yours", lang), status=404, mimetype="text/plain; charset=utf-8")
    done = flask.request.args.get("done")
    return _shown(lang, who, *found, message=t(DONE[done], lang) if done in DONE else None)


def _shown(lang, who, row, shown, timeline, allowed, message=None, error=None, status=200) -> flask.Response:
    del who
    return _page(
        "m_case.html",
        lang,
        status,
        row=row,
        photos=[
            {**p, "thumb": photos.url(p["case_id"], p["id"], thumb=True), "url": photos.url(p["case_id"], p["id"])}
            for p in shown
        ],
        timeline=timeline,
        notified=notify_steps.as_text(history.of_case(get_db(), row["id"]), lang),
        may_verify="verify" in allowed,
        message=message,
        error=error,
    )


def verify(raw_id: str) -> flask.Response:
    """POST /m/case/<id>/verify: the on-site check, with an optional photo."""
    return _act(raw_id, verifying=True)


def add_photo(raw_id: str) -> flask.Response:
    """POST /m/case/<id>/photo: one more photo of the case."""
    return _act(raw_id, verifying=False)


def _act(raw_id: str, verifying: bool) -> flask.Response:
    form = flask.request.form
    lang = pick(form.get("lang"))
    who = _who()
    case_id = parse_id(raw_id)
    found = _case(case_id, who) if who is not None and case_id is not None else None
    if found is None:
        return flask.Response(t("m.error.not_yours", lang), status=404, mimetype="text/plain; charset=utf-8")
    if not csrf.ok(form):
        return _shown(lang, who, *found, error=t("m.error.expired", lang), status=400)
    upload = flask.request.files.get("photo")
    data = upload.stream.read() if upload is not None else b""
    checked = None
    if data or not verifying:
        try:
            checked = photos.check(data)
        except photos.PhotoError as exc:
            return _shown(lang, who, *found, error=t(f"photo.error.{exc.code}", lang), status=422)
    try:
        with get_db().transaction() as cur:
            if verifying:
                fields = {"passed": form.get("passed") == "1", "note": form.get("note", "").strip() or None}
                moved = lifecycle.apply(cur, case_id, "verify", who.name, role=who.role, **fields)
            if checked is not None:
                stage = "verify" if verifying else "report"
                photos.save(cur, case_id, stage, checked, who.name, flask.request.remote_addr)
    except lifecycle.FieldError as exc:
        return _shown(lang, who, *found, error="; ".join(exc.errors.values()), status=400)
    except (lifecycle.TransitionError, lifecycle.NotPermittedError) as exc:
        return _shown(lang, who, *found, error=str(exc), status=409)
    except StoreError:
        return _shown(lang, who, *found, error=t("m.error.store", lang), status=503)
    done = ("verified" if moved["status"] == "resolved" else "rework") if verifying else "photo"
    return flask.redirect(f"/m/case/{case_id}?done={done}" + lang_query(lang, "&"), code=303)


def register(server: flask.Flask) -> None:
    """Attach the routes."""
    server.add_url_rule("/m", "m_report_form", report_form)
    server.add_url_rule("/m/report", "m_report", report, methods=["POST"])
    server.add_url_rule("/m/grid", "m_grid", grid)
    server.add_url_rule("/m/mine", "m_mine", mine)
    server.add_url_rule("/m/case/<raw_id>", "m_case", case)
    server.add_url_rule("/m/case/<raw_id>/verify", "m_verify", verify, methods=["POST"])
    server.add_url_rule("/m/case/<raw_id>/photo", "m_photo", add_photo, methods=["POST"])
    from routes import mobile_notices  # it draws its pages with this module's _page

    mobile_notices.register(server)
