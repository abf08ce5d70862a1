"""Vector tiles (Mapbox Vector Tile, from ST_AsMVT) of the map layers too big to send whole.

A tile is fully determined by its layer, z/x/y, the drawing frame and the data version of the
layer's topic, so tiles are kept in a small LRU under that key: a wall of screens, or a user
panning back, costs one query per tile and version.
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.db import Database
from geodata.memo import Memo
from geodata.queries import fetch_rows

MAX_ZOOM = 20
# Below this zoom the grids' tiles carry their parents (a city's communities) instead of the grids
# (tile_grids.sql), coloured by their own totals (layers/grids.py).
OVERVIEW_BELOW = 11


@dataclass(frozen=True)
class TileSource:
    """A tiled layer: the query that makes one tile, and the data-version topic that dates it."""

    query: str
    topic: str
    with_layer: str | None = None  # tiled whenever this layer is, whatever its own size


SOURCES = {
    "grids": TileSource("tile_grids", "units"),
    "cameras": TileSource("tile_cameras", "cameras"),
    "checkpoints": TileSource("tile_checkpoints", "checkpoints"),
    # The community outlines over the grids' tiles (their names stay a trace, shown when zoomed in).
    "communities": TileSource("tile_communities", "units", with_layer="grids"),
}


def tiled(sizes: dict[str, int], limit: int) -> list[str]:
    """The layers drawn from tiles: those of more than ``limit`` features (``sizes``), and those
    that go with one of them."""
    out = [key for key, source in SOURCES.items() if source.with_layer is None and sizes.get(key, 0) > limit]
    return out + [key for key, source in SOURCES.items() if source.with_layer in out]


_memo = Memo(maxsize=2048)


class TileError(ValueError):
    """A tile request that names no layer or no tile."""


def check_tile(layer: str, z: int, x: int, y: int) -> TileSource:
    """The layer's source, or TileError naming what is wrong with the request."""
    source = SOURCES.get(layer)
    if source is None:
        raise TileError(f"no tiled layer {layer!r}; tiled layers: {', '.join(sorted(SOURCES))}")
    if not 0 <= z <= MAX_ZOOM:
        raise TileError(f"zoom {z} is out of range: 0 to {MAX_ZOOM}")
    if not (0 <= x < 2**z and 0 <= y < 2**z):
        raise TileError(f"tile {x}/{y} does not exist at zoom {z}: x and y run from 0 to {2**z - 1}")
    return source


def tile(
    db: Database, layer: str, z: int, x: int, y: int, version: int, gcj02: bool = False, scope: object = None
) -> bytes:
    """The MVT bytes of one tile (empty for a tile with nothing in it). ``version`` is the data
    version of the layer's topic and ``scope`` the reader's row-level scope, both part of the key."""
    source = check_tile(layer, z, x, y)

    def run() -> bytes:
        rows = fetch_rows(source.query, {"z": z, "x": x, "y": y, "gcj02": gcj02, "overview": z < OVERVIEW_BELOW}, db)
        return bytes(rows[0][0]) if rows and rows[0][0] is not None else b""

    return _memo.get((db.dsn, layer, z, x, y, version, gcj02, scope), run)
