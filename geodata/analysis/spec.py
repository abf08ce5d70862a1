# Long (over 400 lines): one table of every workbench parameter and its check, kept together.
"""What an analyst asks for, read from a URL's query string and checked against the data's own
vocabulary (categories, statuses, departments, checkpoint types…).

One ``Query`` holds the filters of every layer at once, the spatial questions, and which layer
the table, the sort and the exports are about. ``parse`` reads it from untrusted text and names
every bad value with what would be accepted; ``encode`` writes it back, so a view is a URL.

Parameters (every one optional; lists are comma-separated):

=======================  ===================================================================
layer                    the table's layer: cases | checkpoints | cameras | grids
show                     the layers drawn on the map (default: all four)
cases.category           category codes; a group code (e.g. 01) takes all of its categories
cases.status             status codes (reported, dispatched, …)
cases.source             source channels (hotline, app, …)
cases.dept               department codes
cases.since, .until      report dates, YYYY-MM-DD, Beijing time, both inclusive
cases.overdue            1: open cases past their deadline only
cases.near_m             cases within this many metres (1–5000) of checkpoints that are
cases.near_type          … of these types, or
cases.near_ids           … these checkpoint ids (picked on the map); without near_m the
                         checkpoints are only remembered (picked, not yet asked about)
checkpoints.type         checkpoint types
checkpoints.below        compliance of the latest inspection below this percentage (0–100]
checkpoints.failing      an element (要素) code failing in the latest inspection
checkpoints.gap_m        coverage gaps: no online camera within this many metres (1–5000)
cameras.status           online | offline
cameras.kind             bullet | dome | ai | panorama
grids.kind               community | micro | rural | exclusive
grids.min_open           open cases ≥ N
grids.hot                1: hotspots only (Getis-Ord Gi*, see geodata/analysis/hotspots.py)
unit                     everything inside this unit (a unit code)
box                      everything inside min_lon,min_lat,max_lon,max_lat
lasso                    everything inside the polygon lon lat;lon lat;… (3–500 vertices)
sort, dir                the table's sort column and asc | desc
page, size               the table page (from 0) and its size (10–200)
=======================  ===================================================================
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

import shapely

from geodata.cases import catalogue
from geodata.cases.lifecycle import FieldError
from geodata.db import Database
from geodata.kinds import CAMERA_KINDS, GRID_KINDS
from geodata.memo import Memo
from geodata.queries import fetch_rows
from i18n import Message

LAYERS = ("cases", "checkpoints", "cameras", "grids")
CAMERA_STATUSES = ("online", "offline")
MAX_DISTANCE_M = 5000
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)  # report dates a query may name
MAX_LASSO_VERTICES = 500
MAX_IDS = 1000
PAGE_SIZES = (10, 200)
# Sortable columns per layer (the table's column ids); the first is the default, newest/worst first.
SORTS = {
    "cases": (
        "reported_at",
        "id",
        "category",
        "status",
        "source",
        "department",
        "street",
        "community",
        "grid",
        "deadline_at",
        "overdue_hours",
    ),
    "checkpoints": (
        "compliance",
        "id",
        "name",
        "type",
        "street",
        "community",
        "grid",
        "inspected_at",
        "nearest_camera_m",
    ),
    "cameras": ("id", "name", "kind", "status", "street", "community", "grid", "last_seen_at"),
    "grids": ("open_cases", "id", "name", "kind", "street", "community", "overdue", "gi_z"),
}
DEFAULT_DESC = {"cases": True, "checkpoints": False, "cameras": False, "grids": True}
TTL_SECONDS = 60
_memo = Memo(maxsize=16)


@dataclass(frozen=True)
class Query:
    """Every filter, question and table setting; the defaults select everything."""

    layer: str = "cases"
    show: tuple[str, ...] = LAYERS
    category: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    dept: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    overdue: bool = False
    near_m: int | None = None
    near_type: tuple[str, ...] = ()
    near_ids: tuple[int, ...] = ()
    cp_type: tuple[str, ...] = ()
    below: float | None = None
    failing: str | None = None
    gap_m: int | None = None
    cam_status: tuple[str, ...] = ()
    cam_kind: tuple[str, ...] = ()
    grid_kind: tuple[str, ...] = ()
    min_open: int | None = None
    hot: bool = False
    unit: str | None = None
    box: tuple[float, float, float, float] | None = None
    lasso: tuple[tuple[float, float], ...] = ()
    sort: str = ""
    desc: bool = True
    page: int = 0
    size: int = 50

    @property
    def sort_column(self) -> str:
        """The table's sort column (the layer's default when none is set)."""
        return self.sort or SORTS[self.layer][0]

    def with_layer(self, layer: str) -> Query:
        """The same filters with another table layer (its default sort, first page)."""
        return replace(self, layer=layer, sort="", desc=DEFAULT_DESC[layer], page=0)


# URL name → Query field, and the kind of value.
PARAMS: dict[str, tuple[str, str]] = {
    "layer": ("layer", "layer"),
    "show": ("show", "layers"),
    "cases.category": ("category", "codes"),
    "cases.status": ("status", "codes"),
    "cases.source": ("source", "codes"),
    "cases.dept": ("dept", "codes"),
    "cases.since": ("since", "date"),
    "cases.until": ("until", "date"),
    "cases.overdue": ("overdue", "flag"),
    "cases.near_m": ("near_m", "metres"),
    "cases.near_type": ("near_type", "codes"),
    "cases.near_ids": ("near_ids", "ids"),
    "checkpoints.type": ("cp_type", "codes"),
    "checkpoints.below": ("below", "percent"),
    "checkpoints.failing": ("failing", "code"),
    "checkpoints.gap_m": ("gap_m", "metres"),
    "cameras.status": ("cam_status", "codes"),
    "cameras.kind": ("cam_kind", "codes"),
    "grids.kind": ("grid_kind", "codes"),
    "grids.min_open": ("min_open", "count"),
    "grids.hot": ("hot", "flag"),
    "unit": ("unit", "code"),
    "box": ("box", "box"),
    "lasso": ("lasso", "lasso"),
    "sort": ("sort", "code"),
    "dir": ("desc", "dir"),
    "page": ("page", "count"),
    "size": ("size", "count"),
}
FIELD_PARAM = {name: param for param, (name, _) in PARAMS.items()}
CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


@dataclass(frozen=True)
class Reference:
    """The codes a filter may name, with their names (zh, en) for the pickers."""

    categories: dict[str, tuple[str, str, str | None]]  # code → (name, name_en, parent)
    statuses: dict[str, tuple[str, str]]
    sources: dict[str, tuple[str, str]]
    departments: dict[str, tuple[str, str]]
    checkpoint_types: dict[str, tuple[str, str]]
    elements: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → a name (types may differ)


def reference(db: Database) -> Reference:
    """The vocabulary, at most ``TTL_SECONDS`` old."""
    return _memo.get((db.dsn, int(time.time() // TTL_SECONDS)), lambda: _load_reference(db))


def _load_reference(db: Database) -> Reference:
    cat = catalogue.get(db)
    elements: dict[str, tuple[str, str]] = {}
    for code, name, name_en in fetch_rows("analysis_elements", None, db):
        elements.setdefault(code, (name, name_en))
    return Reference(
        categories={c.code: (c.name, c.name_en, c.parent_code) for c in cat.categories.values()},
        statuses={code: (v[0], v[1]) for code, v in cat.statuses.items()},
        sources=dict(cat.sources),
        departments={code: (name, name_en) for _, code, name, name_en in fetch_rows("load_departments", None, db)},
        checkpoint_types={code: (name, en) for code, name, en in fetch_rows("load_checkpoint_types", None, db)},
        elements=elements,
    )


def _known(ref: Reference) -> dict[str, tuple[str, ...]]:
    return {
        "category": tuple(ref.categories),
        "status": tuple(ref.statuses),
        "source": tuple(ref.sources),
        "dept": tuple(ref.departments),
        "near_type": tuple(ref.checkpoint_types),
        "cp_type": tuple(ref.checkpoint_types),
        "failing": tuple(ref.elements),
        "cam_status": CAMERA_STATUSES,
        "cam_kind": CAMERA_KINDS,
        "grid_kind": GRID_KINDS,
    }


def _split(raw: str) -> list[str]:
    return [p.strip() for p in raw.split(",") if p.strip()]


def _number(raw: str, kind: type, low: float, high: float, what: str) -> Any:
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(Message("an.err.not_a", raw=raw, what=Message(f"an.what.{what}"))) from None
    if not low <= value <= high:  # also false for NaN
        raise ValueError(Message("an.err.out_of_range", raw=raw, what=Message(f"an.what.{what}"), low=low, high=high))
    return value


def _coord(raw: str) -> tuple[float, float]:
    parts = raw.replace(",", " ").split()
    if len(parts) != 2:
        raise ValueError(Message("an.err.not_pair", raw=raw))
    lon = _number(parts[0], float, -180, 180, "lon")
    lat = _number(parts[1], float, -90, 90, "lat")
    return lon, lat


def _one_layer(name: str, kind: str, raw: str, ref: Reference) -> Any:
    """One layer's key."""
    if raw not in LAYERS:
        raise ValueError(Message("an.err.unknown_layer", bad=repr(raw), known=", ".join(LAYERS)))
    return raw


def _layers(name: str, kind: str, raw: str, ref: Reference) -> Any:
    """Layer keys, comma-separated, in the registry's order."""
    bad = [p for p in _split(raw) if p not in LAYERS]
    if bad:
        raise ValueError(Message("an.err.unknown_layer", bad=", ".join(bad), known=", ".join(LAYERS)))
    return tuple(p for p in LAYERS if p in _split(raw))


def _codes(name: str, kind: str, raw: str, ref: Reference) -> Any:
    """Codes (or one code) from the data's own vocabulary."""
    known = _known(ref)
    values = _split(raw) if kind == "codes" else [raw.strip()]
    if not values or any(not CODE.match(v) for v in values):
        raise ValueError(Message("an.err.not_code", raw=raw))
    if name in known:
        bad = [v for v in values if v not in known[name]]
        if bad:
            raise ValueError(Message("an.err.unknown_value", bad=", ".join(bad), known=", ".join(known[name])))
    return tuple(dict.fromkeys(values)) if kind == "codes" else values[0]


def _date(name: str, kind: str, raw: str, ref: Reference) -> Any:
    """A report date, YYYY-MM-DD, between FIRST_DAY and LAST_DAY."""
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError(Message("an.err.not_date", raw=raw)) from None
    if not FIRST_DAY <= day <= LAST_DAY:  # beyond them a day's end overflows Python's dates
        raise ValueError(Message("an.err.date_range", first=FIRST_DAY, last=LAST_DAY))
    return day


def _flag(name: str, kind: str, raw: str, ref: Reference) -> Any:
    """1/0 or true/false."""
    if raw not in ("0", "1", "true", "false"):
        raise ValueError(Message("an.err.not_flag", raw=raw))
    return raw in ("1", "true")


def _metres(name: str, kind: str, raw: str, ref: Reference) -> Any:
    """A distance in whole metres."""
    return _number(raw, int, 1, MAX_DISTANCE_M, "metres")


def _percent(name: str, kind: str, raw: str, ref: Reference) -> Any:
    """A percentage."""
    return _number(raw, float, 0.000001, 100, "percent")


def _count(name: str, kind: str, raw: str, ref: Reference) -> Any:
    """A whole number."""
    return _number(raw, int, 0, 10**9, "count")


def _ids(name: str, kind: str, raw: str, ref: Reference) -> Any:
    """Ids, comma-separated, at most MAX_IDS."""
    values = _split(raw)
    if len(values) > MAX_IDS:
        raise ValueError(Message("an.err.too_many_ids", most=MAX_IDS, got=len(values)))
    return tuple(dict.fromkeys(_number(v, int, 1, 2**31 - 1, "id") for v in values))


def _direction(name: str, kind: str, raw: str, ref: Reference) -> Any:
    """asc or desc (True: descending)."""
    if raw not in ("asc", "desc"):
        raise ValueError(Message("an.err.not_direction", raw=raw))
    return raw == "desc"


def _box(name: str, kind: str, raw: str, ref: Reference) -> Any:
    """min_lon,min_lat,max_lon,max_lat."""
    parts = _split(raw)
    if len(parts) != 4:
        raise ValueError(Message("an.err.not_box", raw=raw))
    (x0, y0), (x1, y1) = _coord(f"{parts[0]} {parts[1]}"), _coord(f"{parts[2]} {parts[3]}")
    if x0 >= x1 or y0 >= y1:
        raise ValueError(Message("an.err.box_order"))
    return (x0, y0, x1, y1)


def _lasso(name: str, kind: str, raw: str, ref: Reference) -> Any:
    """'lon lat' vertices separated by ';'."""
    points = tuple(_coord(p) for p in raw.split(";") if p.strip())
    if not 3 <= len(points) <= MAX_LASSO_VERTICES:
        raise ValueError(Message("an.err.lasso_vertices", most=MAX_LASSO_VERTICES))
    return points


# How each kind of parameter is read from its text (spec.FIELDS names the kind).
_READERS: dict[str, Callable[[str, str, str, Reference], Any]] = {
    "layer": _one_layer,
    "layers": _layers,
    "codes": _codes,
    "code": _codes,
    "date": _date,
    "flag": _flag,
    "metres": _metres,
    "percent": _percent,
    "count": _count,
    "ids": _ids,
    "dir": _direction,
    "box": _box,
    "lasso": _lasso,
}


def _value(name: str, kind: str, raw: str, ref: Reference) -> Any:
    """One parameter's value from its text; ValueError says what is wrong and what would do."""
    return _READERS[kind](name, kind, raw, ref)


def parse(params: Mapping[str, str], ref: Reference) -> Query:
    """A Query from URL parameters; FieldError names each bad parameter and the fix."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for param, raw in params.items():
        if param not in PARAMS:
            if param == "lang":
                continue
            errors[param] = Message("an.err.unknown_param", known=", ".join(PARAMS))
            continue
        if raw is None or str(raw).strip() == "":
            continue
        name, kind = PARAMS[param]
        try:
            values[name] = _value(name, kind, str(raw), ref)
        except ValueError as exc:
            errors[param] = exc.args[0]
    layer = values.get("layer", "cases")
    values.setdefault("desc", DEFAULT_DESC.get(layer, True))
    if "sort" in values and layer in SORTS and values["sort"] not in SORTS[layer]:
        errors["sort"] = Message("an.err.bad_sort", layer=layer, sort=values["sort"], known=", ".join(SORTS[layer]))
    if "size" in values and not PAGE_SIZES[0] <= values["size"] <= PAGE_SIZES[1]:
        errors["size"] = Message("an.err.page_size", low=PAGE_SIZES[0], high=PAGE_SIZES[1])
    if values.get("since") and values.get("until") and values["since"] > values["until"]:
        errors["cases.until"] = Message("an.err.until_before_since")
    if values.get("near_m") and not (values.get("near_type") or values.get("near_ids")):
        errors.setdefault("cases.near_m", Message("an.err.near_which"))
    if values.get("lasso") and not shapely.Polygon(values["lasso"]).area > 0:
        errors["lasso"] = Message("an.err.lasso_area")
    if errors:
        raise FieldError(errors)
    return Query(**values)


def encode(q: Query) -> str:
    """The query string of ``q`` (defaults left out), so that ``parse`` gives ``q`` back."""
    default = Query(layer=q.layer, desc=DEFAULT_DESC[q.layer])
    out: list[tuple[str, str]] = []
    for f in fields(Query):
        value = getattr(q, f.name)
        if value == getattr(default, f.name) and f.name != "layer":
            continue
        if f.name == "sort" and value == SORTS[q.layer][0]:
            continue
        param = FIELD_PARAM[f.name]
        kind = PARAMS[param][1]
        if kind in ("codes", "layers", "ids"):
            text = ",".join(str(v) for v in value)
        elif kind == "flag":
            text = "1" if value else "0"
        elif kind == "dir":
            text = "desc" if value else "asc"
        elif kind == "box":
            text = ",".join(f"{v:.6f}" for v in value)
        elif kind == "lasso":
            text = ";".join(f"{x:.6f} {y:.6f}" for x, y in value)
        elif kind == "percent":
            text = f"{value:g}"
        else:
            text = str(value)
        out.append((param, text))
    return urlencode(out, safe=",; ")
