"""Wall display behaviour: one refresh callback that never overlaps itself, panel by panel.

Each tick:
  * the data versions and the minute have not moved → nothing is sent (HTTP 204);
  * otherwise every panel is rebuilt from its own queries; a panel whose query fails (a statement
    timeout, say) keeps its last picture and shows a note, and the other panels still update;
  * the map is sent whole once per unit, then only its values travel as a Patch;
  * the database is unreachable → the last picture stays, with the outage banner, until it returns.
The minute is part of the check because overdue counts and "today" move with the clock alone.
The 30-day ranking is rebuilt once a minute; KPI parts whose topic did not move are reused
within the minute (geodata.kpis), so several walls showing one unit share the queries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import flask
import psycopg2
from dash import ClientsideFunction, Input, Output, Patch, State, callback, clientside_callback, html, no_update
from dash.exceptions import PreventUpdate
from plotly.io.json import to_json_plotly

import ids
from access.principal import scope_or_refuse
from callbacks import refresh, shared_ticks
from geodata import fanout, kpis, ticker, units
from geodata.assessment import standing
from geodata.clock import TZ
from geodata.db import Database, get_db
from geodata.errors import read_failure
from i18n import pick, t
from layers import escalated, unit_map
from layers.basemap import map_style, projector
from layers.classes import stable_classes
from layers.viewport import crowded, fit
from pages import _wall_panels as panels
from pages._kpi import kpi_cards
from settings import get_settings

PANELS = ("kpis", "map", "ranking", "urgent", "ticker")
OUTPUTS = (
    "map",
    "legend",
    "kpis",
    "ranking",
    "ranking_title",
    "urgent",
    "ticker",
    "notes",
    "banner",
    "data_time",
    "scope_name",
    "state",
)


def _nothing() -> dict[str, Any]:
    return {key: no_update for key in OUTPUTS} | {"notes": [no_update] * len(PANELS)}


def resolve_scope(db: Database, code: str | None, allowed: units.Unit | None = None) -> tuple[units.Unit, bool]:
    """The unit to show and whether the requested code was refused: unknown, or outside ``allowed``
    (the viewer's scope; None: the whole territory). A refused code shows the viewer's own unit."""
    unit = units.by_code(db, code) if code else None
    if unit is not None and units.within(unit, allowed):
        return unit, False
    home = allowed or units.by_code(db, units.root_code(db))
    if home is None:
        raise LookupError("the database holds no units")
    return home, bool(code)


RANKING_TITLE = {"district": "wall.ranking.district", "street": "wall.ranking.street"}  # by the children's level
WALL_MAP_PX = (1291, 633)  # the wall's map box at 1920×1080 (assets/wall.css)


def _map_panel(
    db: Database, unit: units.Unit, state: dict | None, lang: str, base_url: str, scale: float
) -> tuple[Any, Any, dict]:
    """(figure or Patch, legend or no_update, map state). The unit map, with the escalated cases'
    pulsing markers above it."""
    plan = unit_map.MapPlan.overview(db, unit)
    s = get_settings()
    proj = projector(s.basemap)
    if state and state.get("code") == unit.code and state.get("scale") == scale:
        data = unit_map.load_values(db, plan)
        # The classes stay while the distribution holds; when it really moves, so do they and the legend.
        classes = stable_classes(data["shapes"]["open_cases"], state["breaks"])
        legend = no_update
        if list(classes.breaks) != list(state["breaks"]):
            legend = panels.legend(unit_map.legend_items(classes) + escalated.legend_items(), lang)
            state = {**state, "breaks": list(classes.breaks)}
        patch = Patch()
        for idx, props in enumerate(unit_map.values(data, classes, proj)):
            for prop, value in props.items():
                patch["data"][idx][prop] = value
        points = escalated.values(escalated.load(db, unit), proj, lang)
        at = len(unit_map.TRACES)  # the escalated cases' trace comes after the unit map's
        for prop in ("lon", "lat", "text"):
            patch["data"][at][prop] = points[prop]
        patch["data"][at]["marker"]["color"] = points["color"]
        return patch, legend, state
    data = unit_map.load(db, plan)
    figure, classes = unit_map.figure(
        data, plan, lang, proj, map_style(s.basemap, base_url, s.basemap_url, s.tianditu_key)
    )
    figure["data"].append(escalated.trace(escalated.load(db, unit), proj, lang, scale))
    for trace in figure["data"]:
        if trace["name"] == "labels":
            trace["textfont"]["size"] = round(16 * scale)
        if trace["name"] == "flash":
            trace["marker"]["size"] = round(22 * scale * crowded(len(trace["lon"])))
    # A first view for the wall's map box at 1920×1080 (a 4K wall: one zoom step more); the browser
    # then fits the unit into the box it really has (assets/mapfit.js).
    zoom = fit(unit.bounds, *WALL_MAP_PX)["zoom"]
    figure["layout"]["map"]["zoom"] = round(zoom + max(0.0, min(1.0, scale - 1)), 2)
    return (
        figure,
        panels.legend(unit_map.legend_items(classes) + escalated.legend_items(), lang),
        {"code": unit.code, "scale": scale, "breaks": list(classes.breaks)},
    )


def wall_update(
    state: dict | None,
    scope_code: str | None,
    lang: str,
    screen: float | None,
    db: Database,
    base_url: str,
    now: datetime | None = None,
    allowed: units.Unit | None = None,
) -> dict[str, Any]:
    """Everything one tick sends, keyed by ``OUTPUTS``; PreventUpdate when nothing moved.
    ``allowed`` is the viewer's scope (None: the whole territory)."""
    now = now or datetime.now(TZ)
    lang = pick(lang)
    scale = round(max(1.0, min(3.0, (screen or 1920) / 1920)), 2)
    minute = now.strftime("%Y-%m-%dT%H:%M")
    shown: dict[str, Any] = {}

    def same() -> bool:
        shown["unit"], shown["bad_code"] = resolve_scope(db, scope_code, allowed)
        return (state or {}).get("code") == shown["unit"].code and (state or {}).get("lang") == lang

    def stale(held: dict) -> dict[str, Any]:
        banner = panels.stale_banner(held.get("last_ok", "—"), lang)
        return _nothing() | {"banner": banner, "state": {**held, "stale": True}}

    def build(tick: refresh.Tick) -> dict[str, Any]:
        return _wall_panels(db, tick, shown["unit"], shown["bad_code"], lang, now, minute, scale, base_url)

    return refresh.run(
        state,
        db,
        same=same,
        build=build,
        recovered=build,  # after a stale banner every panel is drawn again
        stale=stale,
        loading=lambda: _nothing() | {"banner": panels.stale_banner("—", lang), "state": {"stale": True}},
        quiet=lambda tick: not state.get("failed") and state.get("minute") == minute and state.get("scale") == scale,
        errors=(psycopg2.Error, LookupError),
    )


def _wall_panels(
    db: Database,
    tick: refresh.Tick,
    unit: units.Unit,
    bad_code: bool,
    lang: str,
    now: datetime,
    minute: str,
    scale: float,
    base_url: str,
) -> dict[str, Any]:
    """Every panel of one wall tick that moved (a panel whose content is unchanged is not resent)."""
    state, same, versions = tick.state, tick.same, tick.versions
    out = _nothing()
    map_state = (
        (state or {}).get("map") if same and versions.get("units") == state.get("versions", {}).get("units") else None
    )
    failed: list[str] = []
    timed_out: list[str] = []

    def attempt(key: str, build: Callable[[], Any]) -> Any:
        try:
            return build()
        except psycopg2.Error as exc:
            shared_ticks.degraded()  # a panel that could not be read: this wall's answer only
            failed.append(key)
            if read_failure(exc) == "read.timeout":
                timed_out.append(key)
            return None

    # The 30-day ranking moves slowly: rebuilt once a minute (and on a new scope), not on every case.
    rank_due = not same or state.get("minute") != minute or "ranking" in state.get("failed", [])
    builds = {
        "kpis": lambda: kpi_cards(kpis.unit_kpis(db, unit, versions=versions), lang, prefix="wall-kpi"),
        "map": lambda: _map_panel(db, unit, map_state, lang, base_url, scale),
        "ranking": (lambda: panels.ranking_table(standing.ranking(db, unit, versions=versions), lang))
        if rank_due
        else (lambda: None),
        "urgent": lambda: panels.urgent_list(ticker.urgent(db, unit), lang),
        "ticker": lambda: panels.ticker_items(ticker.latest(db, unit), lang),
    }
    built = fanout.at_once({key: (lambda k=key, b=build: attempt(k, b)) for key, build in builds.items()})
    strip, drawn, ranked, urgent, latest = (built[k] for k in ("kpis", "map", "ranking", "urgent", "ticker"))

    stamp = now.strftime("%H:%M:%S")
    # A panel whose content did not change is not sent again (its digest is kept in the state).
    digests = dict((state or {}).get("digests", {})) if same else {}
    bodies = {
        "kpis": strip,
        "ranking": ranked,
        "urgent": urgent,
        "ticker": [*latest, *latest] if latest is not None else None,
    }  # twice: the scroll loops
    for key, body in bodies.items():
        if body is None:
            out[key] = no_update
            continue
        digest = hashlib.blake2b(to_json_plotly(body).encode(), digest_size=8).hexdigest()
        out[key] = no_update if digests.get(key) == digest else body
        digests[key] = digest
    out.update(
        notes=[_panel_note(key, failed, timed_out, lang) for key in PANELS],
        banner=html.Div(t("wall.bad_unit", lang), className="wall-banner notice") if bad_code else [],
        data_time=_data_time(db, now, lang),
        scope_name=unit.name,
        ranking_title=t(RANKING_TITLE.get(unit.below, "wall.ranking.children"), lang),
    )
    new_map_state = map_state
    if drawn is not None:
        out["map"], out["legend"], new_map_state = drawn
    out["state"] = {
        "code": unit.code,
        "lang": lang,
        "versions": versions,
        "minute": minute,
        "scale": scale,
        "last_ok": stamp,
        "stale": False,
        "failed": failed,
        "map": new_map_state,
        "digests": digests,
    }
    return out


REPLICA_LAG = {"zh": "只读副本，落后 {lag:.1f} 秒", "en": "read replica, {lag:.1f} s behind"}


def _data_time(db: Database, now: datetime, lang: str) -> str:
    """The time the data is of: now on the primary; on a read replica (GRIDOPS_REPLICA_URLS), now
    less the replica's lag, which is shown."""
    if db.lag_s is None:
        return f"{t('wall.data_time', lang)} {now.strftime('%H:%M:%S')}"
    lag = min(db.lag_s, 86400.0)
    shown = (now - timedelta(seconds=lag)).strftime("%H:%M:%S")
    return f"{t('wall.data_time', lang)} {shown} ({REPLICA_LAG.get(lang, REPLICA_LAG['zh']).format(lag=lag)})"


def _panel_note(key: str, failed: list[str], timed_out: list[str], lang: str) -> str:
    """A failed panel's note: a slow query is not an outage, and says so."""
    if key not in failed:
        return ""
    return f"⚠ {t('wall.panel_timeout' if key in timed_out else 'wall.panel_failed', lang)}"


@callback(
    Output(ids.WALL_MAP, "figure"),
    Output(ids.WALL_LEGEND, "children"),
    Output(ids.WALL_KPIS, "children"),
    Output(ids.WALL_RANKING, "children"),
    Output(f"{ids.WALL_RANKING}-title", "children"),
    Output(ids.WALL_URGENT, "children"),
    Output(ids.WALL_TICKER, "children"),
    [Output(f"{ids.WALL_PANEL_NOTE}-{key}", "children") for key in PANELS],
    Output(ids.WALL_BANNER, "children"),
    Output(ids.WALL_DATA_TIME, "children"),
    Output(ids.WALL_SCOPE_NAME, "children"),
    Output(ids.WALL_STATE, "data"),
    Input(ids.WALL_TICK, "n_intervals"),
    Input(ids.WALL_SCOPE, "data"),
    Input(ids.WALL_SCREEN, "data"),
    State(ids.WALL_STATE, "data"),
    State(ids.WALL_CONFIG, "data"),
    running=[(Output(ids.WALL_TICK, "disabled"), True, False)],  # ticks never overlap
)
def refresh_wall(
    _tick: int, scope: str | None, screen: float | None, state: dict | None, config: dict | None
) -> tuple[Any, ...]:
    """Interval tick, rotation or first load → refresh what moved."""
    lang = (config or {}).get("lang", "zh")
    out = wall_update(
        state, scope, lang, screen, get_db(read_only=True), flask.request.host_url, allowed=scope_or_refuse()
    )
    flat: list[Any] = []
    for key in OUTPUTS:
        flat += out[key] if key == "notes" else [out[key]]
    return tuple(flat)


def next_in_playlist(db: Database, config: dict, current: str | None, allowed: units.Unit | None = None) -> str:
    """Rotation: the configured unit, then each of its tiling children in turn."""
    unit, _ = resolve_scope(db, config.get("unit"), allowed)
    kids = units.children(db, unit)
    playlist = [unit.code] + [c for c, k in zip(kids["code"], kids["kind"]) if k != "exclusive"]
    position = playlist.index(current) if current in playlist else 0
    return playlist[(position + 1) % len(playlist)]


@callback(
    Output(ids.WALL_SCOPE, "data"),
    Input(ids.WALL_ROTATE, "n_intervals"),
    State(ids.WALL_SCOPE, "data"),
    State(ids.WALL_CONFIG, "data"),
    prevent_initial_call=True,
)
def rotate_scope(_n: int, current: str | None, config: dict) -> str:
    """Rotation tick → the next unit of the playlist (nothing while the database is away)."""
    try:
        return next_in_playlist(get_db(), config or {}, current, scope_or_refuse())
    except (psycopg2.Error, LookupError):
        raise PreventUpdate from None


# The clock and the blinking of newly overdue cases run in the browser (assets/wall.js).
clientside_callback(
    ClientsideFunction(namespace="wall", function_name="tick"),
    Output(ids.WALL_CLOCK, "children"),
    Input(ids.WALL_CLOCK_TICK, "n_intervals"),
    State(ids.WALL_CONFIG, "data"),
)
clientside_callback(
    ClientsideFunction(namespace="wall", function_name="screen"),
    Output(ids.WALL_SCREEN, "data"),
    Input(ids.WALL_CONFIG, "data"),
)
