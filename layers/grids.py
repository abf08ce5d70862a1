"""网格: tiling grids coloured by open cases, in classes from the grids' own values
(layers/classes.py), kept while the distribution holds so colours compare over time. A territory
loaded without grids has its deepest loaded level coloured instead (a city of districts alone:
its districts), so that its cases show on the one map."""

from __future__ import annotations

from typing import Any

import numpy as np
import psycopg2

from geodata import territory, unit_values
from geodata.db import Database, get_db
from geodata.queries import fetch_columns
from geodata.tiles import OVERVIEW_BELOW
from i18n import Message, t
from layers.base import ColourClasses, LegendItem, TiledLayer, geojson_features, hover
from layers.basemap import Projector
from layers.classes import PALETTE, open_classes

# The classes before any value is known (a legend drawn before the map's first data).
OPEN_CASE_CLASSES = ColourClasses(breaks=(0, 1, 3, 6, 11, 21), colors=PALETTE)
LABELS = ("0", "1–2", "3–5", "6–10", "11–20", "≥21")
COLOURED_LEVELS = ("grid", "community", "street", "district", "city")  # deepest first


def coloured_level(found: Any) -> str | None:
    """The level the layer colours in a territory (a ``geodata.territory.Territory``)."""
    return next((level for level in COLOURED_LEVELS if level in found.levels), None)


class GridLayer(TiledLayer):
    """Grid polygons as one Choroplethmap trace; a refresh patches z and customdata only. Past
    the tiling threshold: vector tiles, coloured by the class in each grid's feature state.
    The classes are ``data["classes"]`` when the page set them (callbacks/onemap.py keeps them
    between ticks), else those of the values."""

    key = "grids"
    topics = ("cases",)
    legend = tuple(
        LegendItem(c, Message("legend.open_cases", range=r)) for c, r in zip(OPEN_CASE_CLASSES.colors, LABELS)
    )
    exclusive = False
    tile_overview = OVERVIEW_BELOW

    def present(self, found: Any) -> bool:
        """Grids, or any level above them, are loaded."""
        return coloured_level(found) is not None

    def label(self, lang: str) -> str:
        """网格, or the level coloured instead (区县在办 for a city of districts)."""
        try:
            level = coloured_level(territory.current(get_db())) or "grid"
        except psycopg2.Error:
            level = "grid"
        return t("layer.grids" if level == "grid" else f"layer.open.{level}", lang)

    def _params(self, db: Database) -> dict[str, Any]:
        return {"level": coloured_level(territory.current(db)) or "grid", "exclusive": self.exclusive}

    def load(self, db: Database) -> dict[str, Any]:
        """Shapes and values of every unit of the coloured level."""
        return {"shapes": fetch_columns("unit_shapes", self._params(db), db), **self.load_values(db)}

    def load_values(self, db: Database, held: dict[str, Any] | None = None) -> dict[str, Any]:
        """Open and overdue counts, in unit-id order ("values"; "read": the read they come from).
        ``held``: an earlier answer of this, brought up to date instead of read whole
        (geodata/unit_values.py)."""
        params = self._params(db)
        source = unit_values.level_source(params["level"], params["exclusive"])
        got = unit_values.refreshed(db, (held or {}).get("read"), source)
        return {"values": got.columns, "read": got}

    def traces(self, data: dict[str, Any], lang: str, proj: Projector) -> list[dict[str, Any]]:
        """The choropleth trace."""
        shapes = data["shapes"]
        text = [
            f"<b>{n}</b>"
            + (f"<br>{t('hover.community', lang)}：{p}<br>{t('hover.street', lang)}：{s}" if s and s != p else "")
            for n, p, s in zip(shapes["name"], shapes["parent_name"], shapes["street_name"])
        ]
        trace = {
            "type": "choroplethmap",
            "name": self.key,
            "geojson": geojson_features(shapes["id"], shapes["wkb"], proj),
            "locations": shapes["id"],
            "featureidkey": "id",
            "text": text,
            "zmin": -0.5,
            "zmax": len(PALETTE) - 0.5,
            "colorscale": OPEN_CASE_CLASSES.colorscale(),
            "showscale": False,
            "marker": {"opacity": 0.78, "line": {"color": "rgba(140,200,255,0.45)", "width": 0.6}},
            "hovertemplate": hover(
                [
                    "%{text}",
                    f"{t('hover.open', lang)}：%{{customdata[0]}}",
                    f"{t('hover.overdue', lang)}：%{{customdata[1]}}",
                ]
            ),
        }
        trace.update(self.values(data, lang)[0])
        return [trace]

    def load_tiled(self, db: Database, held: dict[str, Any] | None = None) -> dict[str, Any]:
        """The values (the shapes come as tiles), and those of the grids' parents, which the tiles
        draw below the overview zoom (geodata/tiles.py OVERVIEW_BELOW); ``held``: an earlier
        answer, brought up to date."""
        return {**self.load_values(db, held), **overview_values(db, (held or {}).get("overview_reads"))}

    def tile_state(self, data: dict[str, Any]) -> dict[str, list]:
        """Open and overdue cases by grid id, then by parent id (the paint classes the open count:
        the grids' in their classes, the parents' in theirs)."""
        vals, over = data["values"], data.get("overview") or {"id": [], "open_cases": [], "overdue": []}
        open_cases = [int(v) for v in vals["open_cases"]]
        over_open = [int(v) for v in over["open_cases"]]
        return {
            "ids": list(vals["id"]) + list(over["id"]),
            "open": open_cases + over_open,
            "overdue": [int(v) for v in vals["overdue"]] + [int(v) for v in over["overdue"]],
            "cls": self.classes_of(data).classify(open_cases).tolist()
            + self.classes_of(data, "overview").classify(over_open).tolist(),
        }

    def tile_state_since(
        self, data: dict[str, Any], held_data: dict[str, Any], held_state: dict[str, list]
    ) -> tuple[dict[str, list], list[int]] | None:
        """The held state with the entries of the units the reads re-read (geodata/unit_values.py),
        while the classes are the held ones; the ids are the held list itself."""
        reads = [data["read"], *data.get("overview_reads", [])]
        held_reads = [held_data.get("read"), *held_data.get("overview_reads", [])]
        parts = ["values"] + ["overview"] * (len(reads) - 1)
        if any(r.moved is None for r in reads) or [(r.level, len(r.columns["id"])) for r in reads] != [
            (r.level, len(r.columns["id"])) if r is not None else None for r in held_reads
        ]:
            return None
        classes = {part: self.classes_of(data, part) for part in set(parts)}
        if any(classes[part].breaks != self.classes_of(held_data, part).breaks for part in classes):
            return None
        state = {name: (values if name == "ids" else list(values)) for name, values in held_state.items()}
        changed, offset = [], 0
        for read, part in zip(reads, parts):
            for i in read.moved:
                at, opened = offset + i, int(read.columns["open_cases"][i])
                state["open"][at], state["overdue"][at] = opened, int(read.columns["overdue"][i])
                state["cls"][at] = int(classes[part].classify([opened])[0])
                changed.append(at)
            offset += len(read.columns["id"])
        return state, changed

    def classes_of(self, data: dict[str, Any], part: str = "values") -> ColourClasses:
        """The colour classes of the layer's values (``part``: "values", the grids', or
        "overview", their parents'), those the page keeps when it set them."""
        held = data.get("classes" if part == "values" else "overview_classes")
        return held or open_classes(data[part]["open_cases"])

    def tile_paint(self) -> dict[str, Any]:
        """Fill by the class in the feature state (no colour before the state arrives), with the
        trace's outline once zoomed in."""
        step: list[Any] = ["step", ["coalesce", ["feature-state", "cls"], -1], "rgba(0,0,0,0)"]
        for index, colour in enumerate(PALETTE):
            step += [index, colour]
        # The grids' outlines fade in from the zoom where a grid is more than a few pixels across:
        # at a city's overview, 70,000 outlines would be all one sees. Below the overview zoom the
        # tiles hold the grids' parents, outlined.
        over = OVERVIEW_BELOW
        outline = [
            "interpolate",
            ["linear"],
            ["zoom"],
            over - 0.01,
            "rgba(140,200,255,0.4)",
            over,
            "rgba(140,200,255,0)",
            over + 2,
            "rgba(140,200,255,0.45)",
        ]
        return {"fill-color": step, "fill-opacity": 0.78, "fill-outline-color": outline}

    def tile_hover(self, lang: str) -> str:
        """Name, community, street, open and overdue."""
        return (
            f"<b>{{name}}</b><br>{t('hover.community', lang)}：{{parent}}<br>{t('hover.street', lang)}：{{street}}"
            f"<br>{t('hover.open', lang)}：{{open}}<br>{t('hover.overdue', lang)}：{{overdue}}"
        )

    def values(self, data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
        """z (colour class) and customdata (open, overdue) per grid."""
        vals = data["values"]
        open_cases = np.asarray(vals["open_cases"], dtype=int)
        return [
            {
                "z": self.classes_of(data).classify(open_cases).tolist(),
                "customdata": np.column_stack([open_cases, np.asarray(vals["overdue"], dtype=int)]).tolist(),
            }
        ]


def overview_values(db: Database, held: list[unit_values.Read] | None = None) -> dict[str, Any]:
    """Open and overdue cases of the grids' parents (every unit of their levels), in id order per
    level: what the grids' tiles show below the overview zoom ("overview", with those levels), and
    the reads they come from ("overview_reads"; ``held``: earlier ones, brought up to date)."""
    out: dict[str, list] = {"id": [], "open_cases": [], "overdue": [], "levels": []}
    earlier = {read.level: read for read in held or []}
    reads = []
    for level in territory.current(db).grid_parents:
        got = unit_values.refreshed(db, earlier.get(level), unit_values.level_source(level))
        for name in ("id", "open_cases", "overdue"):
            out[name] += got.columns[name]
        out["levels"].append(level)
        reads.append(got)
    return {"overview": out, "overview_reads": reads}


LAYER = GridLayer()
