# Long (over 400 lines): each layer's filter clauses beside each other, so they stay alike.
"""The analyst workbench's questions as SQL: each layer's filters and spatial questions composed
from whitelisted clauses (psycopg2.sql identifiers, values always parameters), then counted,
paged, drawn or streamed.

Every layer query (geodata/sql/analysis_<layer>.sql) exposes its rows as ``x`` with the unit
ids and ``geom``; the clauses below only ever name those columns. The viewer's scope is added
as a clause on top of row-level security, so units (which RLS does not hide) are scoped too.

Distances are metres on the spheroid (geography), after a bounding-box test that the GiST
indexes can use (see ``_within_m``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import shapely
from psycopg2 import sql

from geodata import units
from geodata.analysis import hotspots
from geodata.analysis.spec import Query
from geodata.cases import catalogue
from geodata.cases.lifecycle import FieldError
from geodata.clock import TZ
from geodata.db import Database
from geodata.queries import sql_text
from i18n import Message, name_column, t

STREAM_CHUNK = 5000
OPEN_STATUSES = {"reported", "dispatched", "accepted", "returned"}  # cases.is_open (migration 0004)
SAMPLE_SURE = 3  # a sample estimate above three times the cap is taken as "more than the cap"
COUNT_CAP = 100_000  # case counts stop here ("more than 100,000"); the table and exports still hold all


@dataclass(frozen=True)
class Column:
    """A table and export column: its id, its names, and the query column behind it."""

    key: str
    name: str  # the header: a catalogue key
    source: str
    bilingual: bool = False  # the source column has an English twin, <source>_en

    def label(self, lang: str) -> str:
        """The header in ``lang``."""
        return t(self.name, lang)

    def field(self, lang: str) -> str:
        """The query column to show in ``lang``."""
        return name_column(self.source, lang) if self.bilingual else self.source


_PLACE = (
    Column("street", "col.street", "street"),
    Column("community", "col.community", "community"),
    Column("grid", "col.grid", "grid"),
)
_LONLAT = (Column("lon", "col.lon", "lon"), Column("lat", "col.lat", "lat"))


def _named(layer: str) -> tuple[Column, ...]:
    return (
        Column("id", "col.id", "id"),
        Column("code", f"col.code.{layer}", "code"),
        Column("name", "col.name", "name"),
    )


COLUMNS: dict[str, tuple[Column, ...]] = {
    "cases": (
        Column("id", "col.id", "id"),
        Column("external_id", "col.external_id", "external_id"),
        Column("category", "col.category", "category", bilingual=True),
        Column("status", "col.status", "status_name", bilingual=True),
        Column("source", "col.source", "source_name", bilingual=True),
        Column("department", "col.department", "department", bilingual=True),
        *_PLACE,
        Column("address", "col.address", "address"),
        Column("reported_at", "col.reported_at", "reported_at"),
        Column("deadline_at", "col.deadline_at", "deadline_at"),
        Column("overdue_hours", "col.overdue_hours", "overdue_hours"),
        *_LONLAT,
    ),
    "checkpoints": (
        *_named("checkpoints"),
        Column("type", "col.type", "type", bilingual=True),
        *_PLACE,
        Column("compliance", "col.compliance", "compliance"),
        Column("failing", "col.failing", "failing", bilingual=True),
        Column("inspected_at", "col.inspected_at", "inspected_at"),
        Column("nearest_camera_m", "col.nearest_camera_m", "nearest_camera_m"),
        *_LONLAT,
    ),
    "cameras": (
        *_named("cameras"),
        Column("kind", "col.kind", "kind"),
        Column("status", "col.status", "status"),
        *_PLACE,
        Column("last_seen_at", "col.last_seen_at", "last_seen_at"),
        *_LONLAT,
    ),
    "grids": (
        *_named("grids"),
        Column("kind", "col.kind", "kind"),
        *_PLACE[:2],
        Column("open_cases", "col.open_cases", "open_cases"),
        Column("overdue", "col.overdue", "overdue"),
        Column("gi_z", "col.gi_z", "gi_z"),
        Column("gi_p", "col.gi_p", "gi_p"),
        *_LONLAT,
    ),
}
BY_KEY = {layer: {c.key: c for c in cols} for layer, cols in COLUMNS.items()}
NOT_NULL = {"id", "reported_at", "deadline_at", "external_id", "code", "name", "kind", "open_cases", "overdue"}
# Query columns the map needs besides the table's (what colours a feature).
MAP_FIELDS = {"cases": ("status", "is_overdue"), "checkpoints": (), "cameras": (), "grids": ()}


def fields_of(layer: str) -> list[str]:
    """The query columns a table row of ``layer`` carries: every column in both languages, and
    what colours it on the map."""
    names = [n for c in COLUMNS[layer] for n in dict.fromkeys((c.field("zh"), c.field("en")))]
    return list(dict.fromkeys([*names, *MAP_FIELDS[layer]]))


@dataclass(frozen=True)
class Compiled:
    """One layer's filter as a WHERE clause and its parameters."""

    layer: str
    where: sql.Composable
    params: dict[str, Any]


def _day_start(day) -> datetime:
    return datetime.combine(day, time(0), TZ)


def _unit_clause(layer: str, unit: units.Unit, name: str, db: Database) -> tuple[sql.Composable, dict[str, Any]]:
    """The rows of ``layer`` inside ``unit``: facts by their unit ids, grids by their ancestry."""
    if layer == "grids":
        if unit.territory:
            return sql.SQL("true"), {}
        if unit.level in ("grid", "micro"):  # a micro-grid's grids are its grid
            return sql.SQL("x.id = %({})s").format(sql.SQL(name)), {name: unit.grid_id}
        return sql.SQL("x.{} = %({})s").format(sql.Identifier(units.fact_column(unit.level)), sql.SQL(name)), {
            name: unit.id
        }
    column, ids = units.scope_of(db, unit)
    return sql.SQL("x.{} = ANY(%({})s)").format(sql.Identifier(column), sql.SQL(name)), {name: ids}


def _within_m(near: str, far: str, name: str) -> sql.Composed:
    """``far`` (an indexed column) at most %(<name>_m)s metres from ``near``: first the box around
    ``near`` that holds that circle (the GiST index finds what is in it), then the exact distance
    on the spheroid. A degree of latitude is at least 110 km, a degree of longitude at least
    111 km × cos(latitude), so the box is never too small."""
    return sql.SQL(
        "{far} && ST_Expand({near}, %({n}_m)s / (111000 * cos(radians(ST_Y({near})))), %({n}_m)s / 110000.0)"
        " AND ST_DWithin({near}::geography, {far}::geography, %({n}_m)s)"
    ).format(near=sql.SQL(near), far=sql.SQL(far), n=sql.SQL(name))


def _case_clauses(q: Query, db: Database, probe: bool = False) -> tuple[list[sql.Composable], dict[str, Any]]:
    where: list[sql.Composable] = []
    params: dict[str, Any] = {}
    if q.category:
        cat = catalogue.get(db)
        where.append(sql.SQL("x.category_code = ANY(%(category)s)"))
        params["category"] = sorted({leaf for code in q.category for leaf in cat.leaves_under(code)})
    if q.status and set(q.status) <= OPEN_STATUSES:
        where.append(sql.SQL("x.is_open"))  # lets the planner use the partial indexes on open cases
    for name, column in (("status", "status"), ("source", "source")):
        if getattr(q, name):
            where.append(sql.SQL("x.{} = ANY(%({})s)").format(sql.Identifier(column), sql.SQL(name)))
            params[name] = list(getattr(q, name))
    if q.dept:
        where.append(sql.SQL("x.department_id IN (SELECT id FROM departments WHERE code = ANY(%(dept)s))"))
        params["dept"] = list(q.dept)
    if q.since:
        where.append(sql.SQL("x.reported_at >= %(since)s"))
        params["since"] = _day_start(q.since)
    if q.until:
        where.append(sql.SQL("x.reported_at < %(until)s"))
        params["until"] = _day_start(q.until + timedelta(days=1))
    if q.overdue:
        where.append(sql.SQL("case_overdue(x.is_open, x.deadline_at, now())"))
    if q.near_m:
        params.update(near_m=q.near_m, near_type=list(q.near_type), near_ids=list(q.near_ids))
    if q.near_m and probe and q.near_type:
        # A first page of cases near every checkpoint of some types: walk the cases in the table's
        # order and ask the checkpoints' GiST index about each (OFFSET 0 keeps it a per-row probe),
        # which stops after one page, where collecting every case near hundreds of checkpoints
        # first would not.
        where.append(
            sql.SQL(
                "EXISTS (SELECT 1 FROM checkpoints p WHERE (p.type_code = ANY(%(near_type)s)"
                " OR p.id = ANY(%(near_ids)s)) AND {near} OFFSET 0)"
            ).format(near=_within_m("x.geom", "p.geom", "near"))
        )
    elif q.near_m:
        # From the (few) checkpoints to the cases around them, through the cases' GiST index.
        where.append(
            sql.SQL(
                "x.id IN (SELECT n.id FROM checkpoints p JOIN cases n ON {near}"
                " WHERE p.type_code = ANY(%(near_type)s) OR p.id = ANY(%(near_ids)s))"
            ).format(near=_within_m("p.geom", "n.geom", "near"))
        )
    return where, params


def _checkpoint_clauses(q: Query) -> tuple[list[sql.Composable], dict[str, Any]]:
    where: list[sql.Composable] = []
    params: dict[str, Any] = {}
    if q.cp_type:
        where.append(sql.SQL("x.type_code = ANY(%(cp_type)s)"))
        params["cp_type"] = list(q.cp_type)
    if q.below is not None:
        where.append(sql.SQL("x.compliance < %(below)s"))
        params["below"] = q.below
    if q.failing:
        where.append(sql.SQL("%(failing)s = ANY(x.failing_codes)"))
        params["failing"] = q.failing
    if q.gap_m:
        where.append(
            sql.SQL("NOT EXISTS (SELECT 1 FROM cameras cam WHERE cam.status = 'online' AND {near})").format(
                near=_within_m("x.geom", "cam.geom", "gap")
            )
        )
        params["gap_m"] = q.gap_m
    return where, params


def _camera_clauses(q: Query) -> tuple[list[sql.Composable], dict[str, Any]]:
    where: list[sql.Composable] = []
    params: dict[str, Any] = {}
    for name, column in (("cam_status", "status"), ("cam_kind", "kind")):
        if getattr(q, name):
            where.append(sql.SQL("x.{} = ANY(%({})s)").format(sql.Identifier(column), sql.SQL(name)))
            params[name] = list(getattr(q, name))
    return where, params


def _grid_clauses(q: Query, db: Database) -> tuple[list[sql.Composable], dict[str, Any]]:
    where: list[sql.Composable] = []
    params: dict[str, Any] = {}
    if q.grid_kind:
        where.append(sql.SQL("x.kind = ANY(%(grid_kind)s)"))
        params["grid_kind"] = list(q.grid_kind)
    if q.min_open is not None:
        where.append(sql.SQL("x.open_cases >= %(min_open)s"))
        params["min_open"] = q.min_open
    if q.hot:
        where.append(sql.SQL("x.gi_z >= %(z_hot)s"))
        params["z_hot"] = hotspots.Z_HOT
    return where, params


def gi_params(q: Query, db: Database) -> dict[str, list]:
    """The Gi* arrays the grid query joins (empty unless hotspots were asked for)."""
    if not q.hot:
        return {"gi_ids": [], "gi_z": [], "gi_p": []}
    gi = hotspots.gi_star(db)
    return {"gi_ids": gi.ids.tolist(), "gi_z": gi.z.tolist(), "gi_p": gi.p.tolist()}


def compile_layer(db: Database, q: Query, layer: str, scope: units.Unit | None, probe: bool = False) -> Compiled:
    """``layer``'s rows under ``q``'s filters, inside ``scope`` (None: the whole territory).
    ``probe``: the query reads one page in order, so per-row tests beat collecting every match."""
    if layer == "cases":
        where, params = _case_clauses(q, db, probe)
    elif layer == "checkpoints":
        where, params = _checkpoint_clauses(q)
    elif layer == "cameras":
        where, params = _camera_clauses(q)
    else:
        where, params = _grid_clauses(q, db)
        params.update(gi_params(q, db))
    if scope is not None and not scope.territory:
        clause, extra = _unit_clause(layer, scope, "scope_ids", db)
        where.append(clause)
        params.update(extra)
    if q.unit:
        unit = units.by_code(db, q.unit)
        if not units.within(unit, scope):
            raise FieldError({"unit": Message("an.err.unit_outside", code=q.unit)})
        clause, extra = _unit_clause(layer, unit, "unit_ids", db)
        where.append(clause)
        params.update(extra)
    at = sql.SQL("x.label_point" if layer == "grids" else "x.geom")
    if q.box:
        where.append(sql.SQL("ST_Intersects({}, ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326))").format(at))
        params.update(zip(("x0", "y0", "x1", "y1"), q.box))
    if q.lasso:
        shape = shapely.make_valid(shapely.Polygon(q.lasso))  # a lasso drawn across itself is mended, not refused
        where.append(sql.SQL("ST_Intersects({}, ST_GeomFromText(%(lasso)s, 4326))").format(at))
        params["lasso"] = shape.wkt
    return Compiled(layer, sql.SQL(" AND ").join(where) if where else sql.SQL("true"), params)


def _inner(c: Compiled) -> sql.Composed:
    return sql.SQL(sql_text(f"analysis_{c.layer}")).format(where=c.where)


def _order(q: Query, layer: str) -> sql.Composed:
    column = BY_KEY[layer][q.sort_column if layer == q.layer else COLUMNS[layer][0].key]
    direction = sql.SQL("DESC" if q.desc and layer == q.layer else "ASC")
    # A NOT NULL column is ordered as its index is (a backward scan gives DESC NULLS FIRST), so a
    # first page over ten million cases reads 50 index entries instead of sorting every match.
    nulls = sql.SQL("" if column.source in NOT_NULL else "NULLS LAST")
    return sql.SQL("ORDER BY q.{col} {d} {nulls}, q.id {d}").format(
        col=sql.Identifier(column.source), d=direction, nulls=nulls
    )


def count(db: Database, q: Query, scope: units.Unit | None, layer: str | None = None) -> int:
    """How many rows of ``layer`` (default: the table's) the query selects; for cases at most
    ``COUNT_CAP + 1``, which reads as "more than COUNT_CAP" (see ``capped``)."""
    c = compile_layer(db, q, layer or q.layer, scope)
    if c.layer == "cases":
        stmt = sql.SQL(sql_text("analysis_cases_count")).format(where=c.where)
    else:
        stmt = sql.SQL("SELECT count(*) FROM ({}) q").format(_inner(c))
    with db.transaction() as cur:
        if c.layer == "cases" and q.near_m and q.near_type:
            # Every case near hundreds of checkpoints is costly to collect (seconds over ten million
            # cases); a sample says first whether there are clearly more than the cap anyway.
            probe = compile_layer(db, q, "cases", scope, probe=True)
            cur.execute(sql.SQL(sql_text("analysis_cases_sample")).format(where=probe.where), probe.params)
            if int(cur.fetchone()[0]) > SAMPLE_SURE * COUNT_CAP:
                return COUNT_CAP + 1
        cur.execute(stmt, {**c.params, "cap": COUNT_CAP})
        return int(cur.fetchone()[0])


def capped(n: int) -> bool:
    """True when ``n`` came from a count that stopped at the cap (there are more rows)."""
    return n > COUNT_CAP


def unfiltered(db: Database, q: Query, layer: str, scope: units.Unit | None) -> bool:
    """Whether the query selects every row of ``layer`` its viewer may read (no clause at all)."""
    where = compile_layer(db, q, layer, scope).where
    return isinstance(where, sql.SQL) and where.string == "true"


def count_text(n: int) -> str:
    """A count for people: "1,234", or "100,000+" when the count stopped at the cap."""
    return f"{COUNT_CAP:,}+" if capped(n) else f"{n:,}"


# Columns the browser's map does not show and that cost a query per row (the nearest online
# camera of each checkpoint: a walk over every camera when few are online); left unselected,
# the planner does not compute them.
NOT_ON_MAP = {"checkpoints": ("nearest_camera_m",)}


def _select(
    c: Compiled, q: Query, geometry: bool, tail: sql.Composable, newest: bool = False, lean: bool = False
) -> sql.Composed:
    skip = NOT_ON_MAP.get(c.layer, ()) if lean else ()
    cols: list[sql.Composable] = [
        sql.SQL("q.{}").format(sql.Identifier(n)) for n in fields_of(c.layer) if n not in skip
    ]
    if geometry:
        cols.append(sql.SQL("ST_AsBinary(q.geom) AS wkb"))
    return sql.SQL("SELECT {cols} FROM ({inner}) q {order} {tail}").format(
        cols=sql.SQL(", ").join(cols),
        inner=_inner(c),
        tail=tail,
        order=sql.SQL("ORDER BY q.id DESC") if newest else _order(q, c.layer),
    )


def _rows(cur) -> list[dict[str, Any]]:
    names = [d.name for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def page(db: Database, q: Query, scope: units.Unit | None) -> list[dict[str, Any]]:
    """One page of the table's layer, sorted."""
    c = compile_layer(db, q, q.layer, scope, probe=True)
    stmt = _select(c, q, False, sql.SQL("LIMIT %(_limit)s OFFSET %(_offset)s"))
    with db.transaction() as cur:
        cur.execute(stmt, {**c.params, "_limit": q.size, "_offset": q.page * q.size})
        return _rows(cur)


def features(
    db: Database, q: Query, layer: str, scope: units.Unit | None, limit: int, lean: bool = False
) -> list[dict[str, Any]]:
    """Up to ``limit`` rows of ``layer`` for the map, newest first (grids with their polygons as WKB);
    ``lean``: without the columns the browser's map does not show (``NOT_ON_MAP``)."""
    c = compile_layer(db, q, layer, scope)
    stmt = _select(c, q, layer == "grids", sql.SQL("LIMIT %(_limit)s"), newest=True, lean=lean)
    with db.transaction() as cur:
        cur.execute(stmt, {**c.params, "_limit": limit})
        return _rows(cur)


def tile_values(
    db: Database, q: Query, layer: str, scope: units.Unit | None, names: tuple[str, ...] = ()
) -> dict[str, list]:
    """Every row of ``layer`` under ``q``'s filters, by id and without geometry: the ids and the
    columns ``names`` (of ``fields_of(layer)``) that a tiled drawing puts into feature state."""
    c = compile_layer(db, q, layer, scope)
    cols = [sql.SQL("q.id"), *(sql.SQL("q.{}").format(sql.Identifier(n)) for n in names if n in fields_of(layer))]
    stmt = sql.SQL("SELECT {cols} FROM ({inner}) q ORDER BY q.id").format(
        cols=sql.SQL(", ").join(cols), inner=_inner(c)
    )
    with db.transaction() as cur:
        cur.execute(stmt, c.params)
        rows = cur.fetchall()
    keys = ["ids", *(n for n in names if n in fields_of(layer))]
    return {k: [r[i] for r in rows] for i, k in enumerate(keys)}


def stream(db: Database, q: Query, scope: units.Unit | None, chunk: int = STREAM_CHUNK) -> Iterator[list[dict]]:
    """Every row of the table's layer in the table's order, ``chunk`` rows at a time, through a
    server-side cursor: memory stays flat however many rows there are."""
    c = compile_layer(db, q, q.layer, scope)
    stmt = _select(c, q, True, sql.SQL(""))
    with db.transaction() as cur:
        named = cur.connection.cursor(name="analysis_export")
        try:
            named.itersize = chunk
            named.execute(stmt, c.params)
            names = None
            while True:
                batch = named.fetchmany(chunk)
                if not batch:
                    break
                names = names or [d.name for d in named.description]
                yield [dict(zip(names, r)) for r in batch]
        finally:
            named.close()


def map_rows(
    db: Database, q: Query, scope: units.Unit | None, cap: int, lean: bool = False
) -> dict[str, tuple[list[dict], int]]:
    """Per shown layer: up to ``cap`` rows to draw, and how many there are in all (``lean``: see
    ``features``)."""
    out = {}
    for layer in q.show:
        rows = features(db, q, layer, scope, cap, lean)
        out[layer] = (rows, len(rows) if len(rows) < cap else count(db, q, scope, layer))
    return out


def _days_only(q: Query) -> bool:
    """Whether the query's cases are every case reported on its days (no other filter)."""
    filters = (q.category, q.status, q.source, q.dept, q.overdue, q.near_m, q.unit, q.box, q.lasso)
    return not any(filters)


def cases_by_community(db: Database, q: Query, scope: units.Unit | None) -> list[dict[str, Any]]:
    """Every case the query selects, counted per community (``analysis_cases_by_community.sql``):
    what the map draws where more cases match than it can draw one by one. Rows: id, code, name,
    n, lon, lat (id and the rest None for the cases in no community). A query of the whole
    territory that filters on nothing but the report days is answered from the daily counts."""
    if (scope is None or scope.territory) and _days_only(q):
        with db.transaction() as cur:
            cur.execute(sql_text("analysis_cases_by_community_days"), {"since": q.since, "until": q.until})
            return _rows(cur)
    c = compile_layer(db, q, "cases", scope)
    stmt = sql.SQL(sql_text("analysis_cases_by_community")).format(where=c.where)
    with db.transaction() as cur:
        cur.execute(stmt, c.params)
        return _rows(cur)
