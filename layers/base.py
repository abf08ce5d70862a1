"""What every map layer declares: its query, style, legend, hover fields and its Patch values.

A layer yields plain plotly trace dicts (no graph_objects validation on the hot path). Its
``values`` are the per-trace properties that change with data; a refresh sends only those.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from geodata.db import Database
from i18n import t
from layers.basemap import Projector


@dataclass(frozen=True)
class LegendItem:
    """One legend row: a colour swatch and its label (a catalogue key or an ``i18n.Message``)."""

    color: str
    text: str
    shape: str = "square"  # square | dot | line

    def label(self, lang: str) -> str:
        """The label in ``lang``."""
        return t(self.text, lang)


@dataclass(frozen=True)
class ColourClasses:
    """A classed colour scale: class i covers values in [breaks[i], breaks[i+1])."""

    breaks: tuple[float, ...]
    colors: tuple[str, ...]

    def classify(self, values: np.ndarray) -> np.ndarray:
        """Class index per value."""
        return np.searchsorted(np.asarray(self.breaks[1:]), np.asarray(values, dtype=float), side="right")

    def colorscale(self) -> list[list[Any]]:
        """A stepped plotly colour scale for z = class index, with zmin=-0.5, zmax=len-0.5."""
        k = len(self.colors)
        scale: list[list[Any]] = []
        for i, c in enumerate(self.colors):
            scale += [[i / k, c], [(i + 1) / k, c]]
        return scale


class Layer:
    """Base class: subclasses set the class attributes and implement load/traces/values."""

    key: str = ""
    topics: tuple[str, ...] = ()  # data_version topics this layer's values depend on
    legend: tuple[LegendItem, ...] = ()
    default_on: bool = True
    toggle: bool = True
    trace_count: int = 1

    def label(self, lang: str) -> str:
        """The layer's name in ``lang`` (the catalogue's ``layer.<key>``)."""
        return t(f"layer.{self.key}", lang)

    def present(self, found: Any) -> bool:
        """Whether the territory (a ``geodata.territory.Territory``) holds anything this layer
        draws; a map offers only the layers that do (default: always)."""
        return True

    def load(self, db: Database) -> dict[str, Any]:
        """Geometry and values from the database."""
        raise NotImplementedError

    def load_values(self, db: Database) -> dict[str, Any]:
        """Only what changes with data (defaults to a full load)."""
        return self.load(db)

    def traces(self, data: dict[str, Any], lang: str, proj: Projector) -> list[dict[str, Any]]:
        """Plotly trace dicts, ``trace_count`` of them."""
        raise NotImplementedError

    def values(self, data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
        """Per trace, the properties to Patch on a data change (empty dicts for static traces)."""
        return [{} for _ in range(self.trace_count)]

    def fingerprint(self, data: dict[str, Any]) -> str | None:
        """Identifies the layer's geometry; when it changes, whole traces are resent, not values."""
        return None


class TiledLayer(Layer):
    """A layer that, past a size (settings.map_tiles_above), is drawn from the vector tiles of
    geodata/tiles.py: MapLibre draws them with ``tile_paint``, and what changes with data travels
    as a few arrays by feature id (``tile_state``) that the browser puts into feature state
    (assets/maptiles.js). Its traces then stay empty, keeping their slots."""

    tile_kind: str = "fill"  # the MapLibre layer type
    tile_link: str | None = None  # the page a click on a feature opens ({id}: the feature's id)
    count_query: str = ""  # a named query: the number of features, to choose the drawing
    tile_overview: float | None = None  # below this zoom the tiles hold an aggregate (the grids' parents)

    def tile_paint(self) -> dict[str, Any]:
        """MapLibre paint properties of the tiled drawing."""
        raise NotImplementedError

    def tile_hover(self, lang: str) -> str:
        """Hover text with {property} placeholders, filled from the tile's feature and its state."""
        raise NotImplementedError

    def tile_labels(self, lang: str) -> dict[str, dict[str, str]]:
        """Per feature property, the words its coded values show as in the hover."""
        return {}

    def tile_extras(self, lang: str) -> list[dict[str, Any]]:
        """More MapLibre layers drawn from the same tiles (another of the tile's layers), each
        shown with the layer ``toggle`` names: "id", "source_layer", "kind", "layout", "paint",
        "toggle", and "zoom_key" (whose entry of the figure's ``meta.zoomed`` gives its minzoom)."""
        return []

    def load_tiled(self, db: Database, held: dict[str, Any] | None = None) -> dict[str, Any]:
        """What a tiled drawing needs besides its tiles (default: nothing); ``held``: an earlier
        answer of this, which a layer may bring up to date instead of reading it whole."""
        return {}

    def tile_state(self, data: dict[str, Any]) -> dict[str, list] | None:
        """Arrays by feature: "ids" and one per feature-state property; None when the tiles
        carry everything."""
        return None

    def tile_state_since(
        self, data: dict[str, Any], held_data: dict[str, Any], held_state: dict[str, list]
    ) -> tuple[dict[str, list], list[int]] | None:
        """``tile_state(data)`` made from ``held_state`` (that of ``held_data``, which ``data`` was
        brought up to date from), and the positions that may differ from it; None when the layer
        cannot tell (then it is made whole and compared whole)."""
        return None

    def placeholders(self) -> list[dict[str, Any]]:
        """Empty traces in this layer's slots."""
        return [
            {"type": "scattermap", "name": self.key, "lon": [], "lat": [], "hoverinfo": "skip"}
            for _ in range(self.trace_count)
        ]


class PointLayer(Layer):
    """A layer of points kept in ``data[rows_key]``; new or moved points resend the whole trace."""

    rows_key: str = ""

    def fingerprint(self, data: dict[str, Any]) -> str | None:
        """Ids and positions of the points."""
        rows = data[self.rows_key]
        return points_fingerprint(rows["id"], rows["lon"], rows["lat"])


def geojson_features(ids: list[int], wkbs: list[bytes], proj: Projector) -> dict[str, Any]:
    """A FeatureCollection (ids as feature ids), coordinates rounded to 1e-6° (~0.1 m)."""
    geoms = shapely.from_wkb(np.asarray([bytes(w) for w in wkbs], dtype=object))
    geoms = shapely.transform(geoms, lambda c: np.round(np.column_stack(proj.shift(c[:, 0], c[:, 1])), 6))
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": int(i), "geometry": json.loads(g)} for i, g in zip(ids, shapely.to_geojson(geoms))
        ],
    }


def line_coords(wkbs: list[bytes], proj: Projector, boundary: bool = True) -> tuple[list, list]:
    """Lon and lat lists of polygon outlines (or lines), parts separated by None."""
    geoms = shapely.from_wkb(np.asarray([bytes(w) for w in wkbs], dtype=object))
    if boundary:
        geoms = shapely.boundary(geoms)
    parts = shapely.get_parts(geoms)
    lons: list[float | None] = []
    lats: list[float | None] = []
    for part in parts:
        xy = shapely.get_coordinates(part)
        x, y = proj.shift(xy[:, 0], xy[:, 1])
        lons += [*np.round(x, 6).tolist(), None]
        lats += [*np.round(y, 6).tolist(), None]
    return lons, lats


def points_fingerprint(ids: list[int], lon: list[float], lat: list[float]) -> str:
    """A short hash of point ids and positions."""
    digest = hashlib.blake2b(digest_size=8)
    for arr in (ids, lon, lat):
        digest.update(np.asarray(arr, dtype=float).tobytes())
    return digest.hexdigest()


def hover(lines: list[str]) -> str:
    """A hovertemplate from lines, without the trace-name box."""
    return "<br>".join(lines) + "<extra></extra>"
