"""One-map behaviour: first load, change-driven refresh (docs/performance.md) and layer toggles.

The refresh follows three rules:
  * the data versions have not moved → nothing is sent (HTTP 204);
  * only values moved → a Patch with the changed layers' values, never geometry;
  * unit geometry moved (or the first load) → the full figure.

Layers past settings.map_tiles_above features (the city's grids and cameras) are drawn from
vector tiles instead; their values travel as feature-state arrays in the map's tile store, beside
the figure (layers/figure.py), and a refresh sends only the entries that changed since the version
the page holds.
"""

from __future__ import annotations

from typing import Any

import flask
from dash import ClientsideFunction, Input, Output, Patch, State, callback, clientside_callback, html, no_update
from dash.exceptions import PreventUpdate

import ids
from access.principal import current
from callbacks import refresh
from geodata import territory, tiles
from geodata import versions as data_versions
from geodata.db import Database, get_db
from geodata.memo import Memo
from geodata.queries import fetch_rows
from i18n import pick, t
from layers import labels, registry
from layers.basemap import map_style, projector
from layers.classes import stable_classes
from layers.figure import build_figure, load_all, tile_specs, tile_state_patch, values_patch, visibility_patch
from layers.viewport import fit, point_minzoom
from pages._components import grid_class_rows, status_line
from settings import get_settings

# (database, layer, version) → what a tiled layer loaded at that version and the feature-state
# arrays a page got from it: to send the next one only what changed, and for the layer to bring
# its data up to date rather than read it whole. A page whose version is not here (another server
# process, say) gets whole arrays.
_tile_states = Memo(maxsize=8)
COMMUNITIES_ON_SCREEN = 300  # outlined and named at once, at most
KEEP = (no_update, no_update)  # the figure and the tile store as the page holds them
MAP_PX = (1920, 879)  # the map under the header on a 1920×1080 wall (assets/gridops.css)
PANEL_PX = 280  # the layer panel laid over its left side, to its right edge


def tiled_layers(db: Database) -> list[str]:
    """The layers too big to send whole (more features than settings.map_tiles_above)."""
    sizes = dict(zip(tiles.SOURCES, fetch_rows("map_layer_sizes", None, db)[0]))
    return tiles.tiled(sizes, get_settings().map_tiles_above)


def tile_url(key: str, versions: dict[str, int]) -> str:
    """A tiled layer's tile URL, dated by its topic's data version (so tiles can be cached)."""
    return f"/tiles/{key}/{{z}}/{{x}}/{{y}}.pbf?v={versions.get(tiles.SOURCES[key].topic, 0)}"


def with_classes(data: dict[str, Any], page: dict[str, Any] | None) -> dict[str, list[float]]:
    """Put the grid layer's colour classes into its ``data``: those the page holds (in ``page``,
    its state) while the distribution holds, else new ones (layers/classes.py); and likewise the
    classes of the grids' parents, drawn below the overview zoom when the grids are tiled. Returns
    their bounds, as the page's state keeps them ("breaks", "overview_breaks")."""
    page = page or {}
    classes = stable_classes(data["values"]["open_cases"], page.get("breaks"))
    data["classes"] = classes
    out = {"breaks": list(classes.breaks)}
    if "overview" in data:
        over = stable_classes(data["overview"]["open_cases"], page.get("overview_breaks"))
        data["overview_classes"] = over
        out["overview_breaks"] = list(over.breaks)
    return out


def full_figure(
    db: Database,
    lang: str,
    visible: list[str],
    base_url: str,
    versions: dict[str, int] | None = None,
    held: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], list[str], dict[str, Any]]:
    """The whole figure, its tile store (layers/figure.py tile_specs), the fingerprints of its
    point layers, the layers drawn from tiles, and what the legend states: the grids' class bounds
    ("breaks", and "overview_breaks" of their parents when tiled: those the page shows, in
    ``held``, while the distribution holds) and the point layers drawn only when zoomed in
    ("later")."""
    s = get_settings()
    versions = versions if versions is not None else data_versions.current(db)[0]
    tiled = {key: tile_url(key, versions) for key in tiled_layers(db)}
    data = load_all(db, tiled)
    breaks = with_classes(data["grids"], held)
    if "grids" in tiled:  # the level drawn below the overview zoom, for the legend
        breaks["overview_level"] = next(iter(data["grids"]["overview"]["levels"]), None)
    style = map_style(s.basemap, base_url, s.basemap_url, s.tianditu_key)
    bounds = territory.current(db).bounds
    view = fit(bounds, *MAP_PX, left_px=PANEL_PX)  # the whole territory, whatever city it is
    drawn = data
    if "communities" in tiled:  # the communities' names come with their outlines' tiles
        drawn = {**data, "labels": {**data["labels"], "community": labels.NO_LABELS}}
    figure = build_figure(drawn, lang, projector(s.basemap), style, visible, tiled, view)
    zoomed = figure["layout"]["meta"]["zoomed"] = point_zooms(db, data, view["zoom"])
    prints = {
        layer.key: None if layer.key in tiled else layer.fingerprint(data[layer.key]) for layer in registry.LAYERS
    }
    for key in tiled:
        _tile_states.put(_state_key(db, key, versions), (data[key], registry.BY_KEY[key].tile_state(data[key])))
    later = [key for key in ("checkpoints", "cameras") if zoomed[key]["minzoom"] > view["zoom"]]
    specs = tile_specs(data, lang, visible, tiled)
    return figure, specs, prints, list(tiled), {**breaks, "later": later}


def point_zooms(db: Database, data: dict[str, Any], fit_zoom: float) -> dict[str, dict[str, float]]:
    """Per point layer, the zoom from which it is drawn (below it, at the overview, its points
    would cover the grid colours), for assets/mapfit.js; their markers grow with the zoom. The
    communities' outlines and names likewise, past a few hundred of them (a city's 2,000)."""
    sizes = dict(zip(tiles.SOURCES, fetch_rows("map_layer_sizes", None, db)[0]))
    counts = {"checkpoints": sizes["checkpoints"], "cameras": sizes["cameras"]}
    out = {key: {"minzoom": point_minzoom(n, fit_zoom)} for key, n in counts.items()}
    communities = len(data["labels"]["community"]["id"]) if "community" in data.get("labels", {}) else 0
    if communities > COMMUNITIES_ON_SCREEN:
        minzoom = point_minzoom(communities, fit_zoom, COMMUNITIES_ON_SCREEN)
        out |= {"communities": {"minzoom": minzoom}, "community-labels": {"minzoom": minzoom}}
    return out


def _state_key(db: Database, key: str, versions: dict[str, int]) -> tuple:
    return (db.dsn, key, tuple(versions.get(topic) for topic in registry.BY_KEY[key].topics))


def _changed_layers(old: dict[str, int], new: dict[str, int]) -> list[str]:
    moved = {topic for topic in new if new.get(topic) != old.get(topic)}
    return [layer.key for layer in registry.LAYERS if moved & set(layer.topics)]


def map_refresh(
    state: dict | None, lang: str, visible: list[str], db: Database, base_url: str
) -> tuple[Any, Any, Any, Any]:
    """(figure or Patch, tile store or Patch, new state, status text) for one tick
    (callbacks/refresh.py). A change of the tiled layers alone leaves the figure as it is."""
    lang = pick(lang)
    visible = registry.validate_keys(visible)

    def build(tick: refresh.Tick) -> tuple[Any, Any, Any, Any]:
        versions, tiled = tick.versions, (state or {}).get("tiled", []) if tick.same else []
        new_state = {"versions": versions, "lang": lang, "tiled": tiled, "changed_at": tick.changed_at.isoformat()}
        held = state if tick.same else None
        if not tick.same or "units" in tick.moved or ("cameras" in tick.moved and tiled_layers(db) != tiled):
            figure, specs, prints, tiled, legend = full_figure(db, lang, visible, base_url, versions, held)
            new_state |= {"prints": prints, "tiled": tiled, **legend}
            return figure, specs, new_state, status_line(new_state["changed_at"], lang)
        keys = _changed_layers(state["versions"], versions)
        by_key = registry.BY_KEY
        new_state |= {k: state[k] for k in ("breaks", "overview_breaks", "overview_level", "later") if k in state}
        store = _tiles_patch(db, [k for k in keys if k in tiled], state["versions"], versions, new_state)
        patch = Patch()
        keys = [k for k in keys if k not in tiled]
        data = {key: by_key[key].load_values(db) for key in keys}
        if "grids" in data:
            new_state |= with_classes(data["grids"], held)
        values_patch(data, lang, [k for k in keys if by_key[k].fingerprint(data[k]) == state["prints"].get(k)], patch)
        prints = dict(state["prints"])
        for key in keys:
            fp = by_key[key].fingerprint(data[key])
            if fp != state["prints"].get(key):  # points added or moved: resend that layer's traces whole
                proj = projector(get_settings().basemap)
                for idx, trace in zip(registry.trace_slots()[key], by_key[key].traces(data[key], lang, proj)):
                    trace.update(visible=key in visible, showlegend=False)
                    patch["data"][idx] = trace
                prints[key] = fp
        return _sent(patch), _sent(store), new_state | {"prints": prints}, status_line(new_state["changed_at"], lang)

    return refresh.run(
        state,
        db,
        same=lambda: (state or {}).get("lang") == lang,
        build=build,
        recovered=lambda tick: (*KEEP, {**tick.state, "stale": False}, status_line(tick.state["changed_at"], lang)),
        stale=lambda held: (*KEEP, {**held, "stale": True}, status_line(held["changed_at"], lang, "stale")),
        loading=lambda: (*KEEP, no_update, html.Span(t("map.loading", lang), className="status stale")),
        quiet=lambda tick: not (state or {}).get("retry"),
        slow=lambda held: (*KEEP, {**held, "retry": True}, status_line(held["changed_at"], lang, "slow")),
    )


def _sent(patch: Patch) -> Any:
    """A Patch with something in it, or nothing to send (an empty Patch would still make the
    browser hand the map a new figure)."""
    return patch if patch._operations else no_update


def _tiles_patch(db: Database, keys: list[str], old: dict[str, int], new: dict[str, int], page: dict) -> Patch:
    """A Patch of the tile store for the tiled layers among the changed ones: a new tile URL when
    their tiles' topic moved, and the feature-state entries that changed (the grids' classes kept in
    ``page`` while the distribution holds, and updated there when it moves)."""
    patch = Patch()
    for key in keys:
        layer = registry.BY_KEY[key]
        topic = tiles.SOURCES[key].topic
        if old.get(topic) != new.get(topic):
            patch[key]["url"] = tile_url(key, new)
        held_data, held_state = _tile_states.peek(_state_key(db, key, old)) or (None, None)
        data = layer.load_tiled(db, held_data)
        if key == "grids":
            page |= with_classes(data, page)
        since = layer.tile_state_since(data, held_data, held_state) if held_state is not None else None
        state, changed = since or (layer.tile_state(data), None)
        if state is not None:
            tile_state_patch(patch, key, state, held_state, changed)
            _tile_states.put(_state_key(db, key, new), (data, state))
    return patch


@callback(
    Output(ids.MAP, "figure"),
    Output(ids.MAP_TILES, "data"),
    Output(ids.MAP_STATE, "data"),
    Output(ids.MAP_STATUS, "children"),
    Input(ids.MAP_TICK, "n_intervals"),
    State(ids.MAP_STATE, "data"),
    State(ids.LANG, "data"),
    State(ids.LAYER_TOGGLES, "value"),
)
def refresh_map(_tick: int, state: dict | None, lang: str, visible: list[str]) -> tuple[Any, Any, Any, Any]:
    """Interval tick → refresh the map if the data moved (the whole district: only for viewers whose
    scope is the whole territory; the gate sends the others to their own unit)."""
    who = current()
    if who is None or not who.whole_territory:
        raise PreventUpdate
    return map_refresh(state, lang, visible, get_db(read_only=True), flask.request.host_url)


@callback(
    Output(ids.MAP_CLASSES, "children"),
    Input(ids.MAP_STATE, "data"),
    State(ids.LANG, "data"),
    prevent_initial_call=True,
)
def restate_classes(state: dict | None, lang: str) -> list:
    """The grids' legend rows: the classes the map shows (layers/classes.py), and which point
    layers appear only when zoomed in."""
    breaks = (state or {}).get("breaks")
    if not breaks:
        raise PreventUpdate
    lang = pick(lang)
    rows: list[Any] = grid_class_rows(breaks, lang, state.get("overview_breaks"), state.get("overview_level"))
    later = [t(f"layer.{key}", lang) for key in state.get("later", []) if key in registry.BY_KEY]
    if later:
        rows.append(html.Div(t("map.zoom_in", lang, layers="、".join(later)), className="legend-row zoom-in"))
    return rows


@callback(
    Output(ids.MAP, "figure", allow_duplicate=True),
    Output(ids.MAP_TILES, "data", allow_duplicate=True),
    Input(ids.LAYER_TOGGLES, "value"),
    State(ids.MAP_STATE, "data"),
    prevent_initial_call=True,
)
def toggle_layers(visible: list[str], state: dict | None) -> tuple[Any, Any]:
    """Checklist change → show or hide whole layers in place."""
    if not state:
        raise PreventUpdate
    figure, store = visibility_patch(registry.validate_keys(visible), state.get("tiled"))
    return _sent(figure), _sent(store)


# The tile store → the map's vector-tile layers (assets/maptiles.js).
clientside_callback(
    ClientsideFunction("gridops_tiles", "apply"),
    Input(ids.MAP_TILES, "data"),
    State(ids.MAP, "id"),
)


# A click on a checkpoint opens its view (assets/checkpoint_link.js reads the id from the trace).
clientside_callback(
    ClientsideFunction("gridops_map", "open_checkpoint"),
    Output(ids.MAP_CLICK, "data"),
    Input(ids.MAP, "clickData"),
    State(ids.MAP, "figure"),
    prevent_initial_call=True,
)
