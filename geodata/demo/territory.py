"""Deterministic units and roads for the demo city: nested Voronoi tilings with no gaps or overlaps.

Work happens in a local plane (lon scaled by cos(lat)) so that cells are not stretched; every
child tiling is clipped to its parent and snapped to a 1e-7° grid so neighbours share vertices.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiPoint, MultiPolygon, Polygon, box

from geodata.demo import names

LAT0 = 34.71
KX = float(np.cos(np.radians(LAT0)))  # lon → local x
PRECISION = 1e-7


@dataclass(frozen=True)
class TerritoryScale:
    """How big the generated territory is."""

    outline: list[tuple[float, float]]
    streets: list[tuple[str, list[tuple[str, str]]]]
    street_seeds: list[tuple[float, float]] | None
    grids: int
    districts: tuple[tuple[str, str], ...] = ()  # (code, name) of several top-level districts; () for the demo's one


def demo_scale() -> TerritoryScale:
    """郑州经开区 with its five street offices and 35 communities, ~900 grids."""
    return TerritoryScale(names.DISTRICT_OUTLINE, names.STREETS, names.STREET_SEEDS, grids=900)


def city_scale(
    rng: np.random.Generator, streets: int = 100, communities: int = 20, grids: int = 70_000, districts: int = 6
) -> TerritoryScale:
    """A synthetic city for benchmarks: ``districts`` top-level districts side by side (no city unit
    above them), sharing ``streets`` street offices, 70k grids in all."""
    stems = names.CITY_STEMS
    out = []
    for i in range(streets):
        stem = stems[(2 * i) % len(stems)] + stems[(2 * i + 1 + i // len(stems)) % len(stems)]
        out.append((f"{stem}{i + 1}街道", [(f"{stem}{i + 1}-{j + 1}社区", "community") for j in range(communities)]))
    outline = [(113.45, 34.55), (113.95, 34.55), (113.95, 34.95), (113.45, 34.95)]
    tops = tuple((f"4190{k + 1:02d}", names.CITY_DISTRICTS[k % len(names.CITY_DISTRICTS)]) for k in range(districts))
    return TerritoryScale(outline, out, None, grids, tops)


def _to_local(geom):
    return shapely.transform(geom, lambda c: c * [KX, 1.0])


def _to_lonlat(geom):
    return shapely.transform(geom, lambda c: c / [KX, 1.0])


def _sample_inside(poly: Polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = poly.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        pts = rng.uniform([minx, miny], [maxx, maxy], size=(max(4 * n, 16), 2))
        out = np.vstack([out, pts[shapely.contains_xy(poly, pts[:, 0], pts[:, 1])]])
    return out[:n]


def _polygons_only(geom) -> MultiPolygon:
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and not p.is_empty]
    return MultiPolygon(parts)


def tessellate(parent: Polygon | MultiPolygon, seeds: np.ndarray, relax: int = 2) -> list[MultiPolygon]:
    """Split ``parent`` into one cell per seed (Voronoi, Lloyd-relaxed ``relax`` times)."""
    if len(seeds) == 1:
        return [_polygons_only(parent)]
    frame = box(*parent.buffer(0.05).bounds)
    for step in range(relax + 1):
        cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=frame, ordered=True)
        clipped = [shapely.intersection(c, parent) for c in shapely.get_parts(cells)]
        if step == relax:
            return [_polygons_only(c) for c in clipped]
        seeds = np.array([[c.centroid.x, c.centroid.y] if not c.is_empty else s for c, s in zip(clipped, seeds)])
    raise AssertionError("unreachable")


def _snap(geoms: list) -> list[MultiPolygon]:
    return [_polygons_only(_to_lonlat(g)) for g in geoms]


@dataclass
class _Unit:
    code: str
    name: str
    level: str
    kind: str
    parent: str | None
    local: object  # geometry in the local plane


def build_units(scale: TerritoryScale, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Every unit of the territory, parents before children, with ids assigned in that order."""
    whole = _to_local(Polygon(scale.outline))
    if scale.districts:
        cells = tessellate(whole, _sample_inside(whole, len(scale.districts), rng), relax=3)
        tops = [(code, name, cell) for (code, name), cell in zip(scale.districts, cells)]
    else:
        tops = [(names.DISTRICT[0], names.DISTRICT[1], whole)]
    bounds = np.linspace(0, len(scale.streets), len(tops) + 1).round().astype(int)
    units: list[_Unit] = []
    for (d_code, d_name, district), lo, hi in zip(tops, bounds[:-1], bounds[1:]):
        units.append(_Unit(d_code, d_name, "district", "district", None, district))
        units += _streets(scale, scale.streets[lo:hi], d_code, district, whole.area, rng)
    units += _exclusive_grids(units, scale, rng)
    return _frame(units, rng)


def _streets(
    scale: TerritoryScale, streets: list, d_code: str, district, total_area: float, rng: np.random.Generator
) -> list[_Unit]:
    """The street offices of one district, their communities and grids."""
    if scale.street_seeds:
        seeds = np.array(scale.street_seeds) * [KX, 1.0]
        street_cells = tessellate(district, seeds, relax=0)
    else:
        street_cells = tessellate(district, _sample_inside(district, len(streets), rng), relax=3)
    units = []
    for si, ((street_name, communities), s_geom) in enumerate(zip(streets, street_cells)):
        s_code = f"{d_code}{si + 1:03d}"
        units.append(_Unit(s_code, street_name, "street", "street", d_code, s_geom))
        c_cells = tessellate(s_geom, _sample_inside(s_geom, len(communities), rng), relax=4)
        for ci, ((c_name, c_kind), c_geom) in enumerate(zip(communities, c_cells)):
            c_code = f"{s_code}{ci + 1:03d}"
            units.append(_Unit(c_code, c_name, "community", c_kind, s_code, c_geom))
            n_grids = max(6, round(scale.grids * c_geom.area / total_area))
            g_cells = tessellate(c_geom, _sample_inside(c_geom, n_grids, rng), relax=2)
            g_kind = "rural" if c_kind == "village" else "community"
            for gi, g_geom in enumerate(g_cells):
                units.append(_Unit(f"{c_code}{gi + 1:03d}", f"{c_name}第{gi + 1}网格", "grid", g_kind, c_code, g_geom))
    return units


def outline(units: gpd.GeoDataFrame):
    """The territory's outline: its one top-level unit, or the union of several."""
    tops = units.geometry[units.parent_id.isna()]
    return tops.iloc[0] if len(tops) == 1 else shapely.union_all(tops.to_numpy())


def _exclusive_grids(units: list[_Unit], scale: TerritoryScale, rng: np.random.Generator) -> list[_Unit]:
    if scale.street_seeds is None:
        return []
    out = []
    for name, street_name in names.EXCLUSIVE_GRIDS:
        street = next(u for u in units if u.name == street_name)
        community = max((u for u in units if u.parent == street.code), key=lambda u: u.local.area)
        centre = community.local.representative_point()
        w, h = rng.uniform(0.004, 0.007), rng.uniform(0.003, 0.005)
        rect = shapely.affinity.rotate(
            box(centre.x - w / 2, centre.y - h / 2, centre.x + w / 2, centre.y + h / 2), rng.uniform(-15, 15)
        )
        geom = shapely.intersection(rect, community.local)
        out.append(_Unit(f"{community.code}E{len(out) + 1}", name, "grid", "exclusive", community.code, geom))
    return out


def _frame(units: list[_Unit], rng: np.random.Generator) -> gpd.GeoDataFrame:
    ids = {u.code: i + 1 for i, u in enumerate(units)}
    geoms = _snap([u.local for u in units])
    n = len(units)
    households = np.zeros(n, dtype=np.int64)
    is_grid = np.array([u.level == "grid" for u in units])
    households[is_grid] = rng.integers(250, 650, is_grid.sum())
    frame = gpd.GeoDataFrame(
        {
            "id": [ids[u.code] for u in units],
            "code": [u.code for u in units],
            "name": [u.name for u in units],
            "level": [u.level for u in units],
            "kind": [u.kind for u in units],
            "parent_id": pd_int([ids[u.parent] if u.parent else None for u in units]),
            "households": households,
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    # Households roll up from grids; exclusive grids count workers, not residents.
    for level in ("community", "street", "district"):
        for idx in frame.index[frame.level == level]:
            kids = frame.index[(frame.parent_id == frame.at[idx, "id"]) & (frame.kind != "exclusive")]
            frame.at[idx, "households"] = int(frame.loc[kids, "households"].sum())
    frame["population"] = (frame["households"] * 2.8).round().astype("int64")
    frame["manager"] = [_person(rng) for _ in range(n)]
    frame["phone"] = [f"1{rng.choice([3, 5, 8])}{rng.integers(0, 10**9):09d}" for _ in range(n)]
    return frame


def pd_int(values: list[int | None]) -> pd.arrays.IntegerArray:
    """A nullable integer column."""
    return pd.array(values, dtype="Int64")


def _person(rng: np.random.Generator) -> str:
    given = "".join(rng.choice(list(names.GIVEN), size=rng.integers(1, 3)))
    return str(rng.choice(list(names.SURNAMES))) + given


def build_roads(units: gpd.GeoDataFrame, ew: list[str], ns: list[str]) -> gpd.GeoDataFrame:
    """A street grid of named roads clipped to the territory (east–west and north–south)."""
    district = outline(units)
    minx, miny, maxx, maxy = district.bounds
    rows = []
    for i, name in enumerate(ew):
        y = maxy - (i + 0.6) * (maxy - miny) / len(ew)
        rows.append((name, "arterial" if i % 3 == 0 else "secondary", LineString([(minx - 0.01, y), (maxx + 0.01, y)])))
    for i, name in enumerate(ns):
        x = minx + (i + 0.5) * (maxx - minx) / len(ns)
        rows.append((name, "arterial" if i % 3 == 0 else "secondary", LineString([(x, miny - 0.01), (x, maxy + 0.01)])))
    geoms = []
    for _, _, line in rows:
        clipped = shapely.intersection(line, district)
        parts = [p for p in shapely.get_parts(clipped) if isinstance(p, LineString)]
        geoms.append(max(parts, key=lambda p: p.length))
    return gpd.GeoDataFrame(
        {"name": [r[0] for r in rows], "kind": [r[1] for r in rows]},
        geometry=shapely.set_precision(geoms, PRECISION),
        crs="EPSG:4326",
    )


def city_roads(count: int = 60) -> tuple[list[str], list[str]]:
    """Road names for the synthetic city scale."""
    return [f"纬{i + 1}路" for i in range(count)], [f"经{i + 1}路" for i in range(count)]
