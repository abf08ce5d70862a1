"""/import, /import/upload and /import/rejected/<run>.csv: data loads from a web page
(templates/import.html renders it).

Only administrators (the data stewards) load. The upload is a plain multipart form, so files up
to GRIDOPS_IMPORT_MAX_BYTES pass (every other request stays under GRIDOPS_REQUEST_MAX_BYTES); the
load itself is geodata.load's (checks, one transaction, upserts, audit), run by geodata.load.runs.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import flask

from access import csrf
from access.principal import current
from geodata.errors import LoadError
from geodata.load import options
from geodata.load import runs as import_runs
from geodata.load.fields import parse_map_args
from i18n import lang_query, pick, t
from pages._components import NAV
from settings import get_settings

STEWARD_ROLES = ("admin",)
MAP_MAX_BYTES = 1 << 20  # a status or category map is a few hundred lines
# Time zones offered on the form (any IANA name is accepted).
ZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "UTC",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/London",
)
COUNTS = ("read", "loaded", "updated", "unchanged", "rejected", "repaired")  # a report's counts, in this order


def may_load() -> bool:
    """The caller is a signed-in administrator."""
    who = current()
    return who is not None and who.kind == "user" and who.role in STEWARD_ROLES


def _page(lang: str, status: int = 200, **shown: Any) -> flask.Response:
    """templates/import.html with the header every page has (Jinja2 escapes every value)."""
    body = flask.render_template(
        "import.html",
        lang=lang,
        t=lambda key: t(key, lang),
        nav=NAV,
        csrf=csrf.token(),
        title=t("im.title", lang),
        counts=COUNTS,
        **shown,
    )
    response = flask.Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def show() -> flask.Response:
    """GET /import: the form, and the report of ``?run=<token>`` (one of the caller's loads)."""
    lang = pick(flask.request.args.get("lang"))
    if not may_load():
        return _page(lang, 403, notice=t("im.only_admin", lang))
    form = {
        "kinds": options.KINDS,
        "levels": options.LEVELS,
        "accept": ",".join(import_runs.SUFFIXES),
        "bulk_min_rows": options.BULK_MIN_ROWS,
        "tz": get_settings().territory_tz,
        "zones": ZONES,
    }
    token = flask.request.args.get("run")
    found = import_runs.get(token, current().name) if token else None
    return _page(lang, form=form, run=found, notice=t("im.no_run", lang) if token and not found else None)


def upload() -> flask.Response:
    """Run one load from the form, then show its report."""
    if not may_load():
        return flask.Response(
            "只有管理员可以导入数据 (only administrators load data)", status=403, mimetype="text/plain"
        )
    flask.request.max_content_length = get_settings().import_max_bytes
    form = flask.request.form
    if not csrf.ok(form):
        return flask.Response(
            "表单已过期，请刷新页面后重试 (the form expired: reload the page)", status=400, mimetype="text/plain"
        )
    kind = form.get("kind", "")
    level = form.get("level") or None
    lang = pick(form.get("lang"))
    problems = []
    if kind not in options.KINDS:
        problems.append(f"kind: choose one of {', '.join(options.KINDS)}")
    if level is not None and level not in options.LEVELS:
        problems.append(f"level: choose one of {', '.join(options.LEVELS)}")
    file = flask.request.files.get("file")
    if file is None or not file.filename:
        problems.append("file: choose a file to load")
    try:
        mapping = parse_map_args([m.strip() for m in form.get("map", "").splitlines() if m.strip()])
    except LoadError as exc:
        problems.append(f"map: {exc}")
        mapping = {}
    if problems:
        return flask.Response("; ".join(problems), status=400, mimetype="text/plain")
    with tempfile.TemporaryDirectory(prefix="gridops-maps-") as tmp:
        try:
            maps = {name: _saved_map(name, Path(tmp)) for name in ("status_map", "category_map")}
        except ValueError as exc:
            return flask.Response(str(exc), status=400, mimetype="text/plain")
        opts = options.Options(
            crs=(form.get("crs") or "").strip() or None,
            level=level,
            mapping=mapping,
            source=(form.get("source") or "").strip() or "import",
            tz=(form.get("tz") or "").strip() or None,
            status_map=maps["status_map"],
            category_map=maps["category_map"],
            allow_backward=form.get("allow_backward") == "1",
            repair=form.get("repair") == "1",
            dry_run=form.get("dry_run") == "1",
            actor=current().name,
        )
        token = import_runs.run(kind, file.filename, file.stream, opts, current().name)
    return flask.redirect(f"/import?run={token}" + lang_query(lang, "&"), code=303)


def _saved_map(name: str, folder: Path) -> Path | None:
    """An uploaded status or category map, saved for the loader (at most 1 MB; None: none given)."""
    upload = flask.request.files.get(name)
    if upload is None or not upload.filename:
        return None
    plain = "".join(ch for ch in upload.filename.replace("\\", "/") if ch.isprintable())
    given = Path(plain).name[-100:].lstrip(".") or f"{name}.csv"
    (folder / name).mkdir()
    path = folder / name / given  # its own name, so that the report names the file the user chose
    data = upload.stream.read(MAP_MAX_BYTES + 1)
    if len(data) > MAP_MAX_BYTES:
        raise ValueError(f"{name}: larger than {MAP_MAX_BYTES // 1024} KB; a map is a list of pairs")
    path.write_bytes(data)
    return path


def rejected(token: str) -> flask.Response:
    """The rejected rows of one of the caller's runs, as CSV."""
    who = current()
    path = import_runs.rejected_file(token, who.name) if may_load() else None
    if path is None:
        return flask.Response(
            "没有这次导入的被拒行 (no rejected rows for this load)", status=404, mimetype="text/plain"
        )
    return flask.send_file(path, mimetype="text/csv", as_attachment=True, download_name=f"rejected-{token[:8]}.csv")


def register(server: flask.Flask) -> None:
    """Attach the routes."""
    server.add_url_rule("/import", "import_page", show)
    server.add_url_rule("/import/upload", "import_upload", upload, methods=["POST"])
    server.add_url_rule("/import/rejected/<token>.csv", "import_rejected", rejected)
