"""Deterministic cameras, checkpoints with inspections, for the demo city."""

from __future__ import annotations

from datetime import datetime, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.demo import names
from geodata.demo import territory as demo_territory
from geodata.unit_assign import UnitIndex
from i18n import t

M_PER_DEG_LAT = 111_320.0
M_PER_DEG_LON = M_PER_DEG_LAT * np.cos(np.radians(34.71))

# The elements of each checkpoint type; must match migration 0005.
ELEMENTS = {
    "school": ["ads", "sanitation", "traffic", "guard", "volunteer"],
    "intersection": ["ads", "camera", "traffic", "persuasion", "markings", "sanitation"],
    "community": ["ads", "volunteer", "practice", "sanitation", "sorting", "board"],
    "market": ["ads", "sanitation", "order", "scale", "sorting"],
    "park": ["ads", "sanitation", "signs", "volunteer", "facilities"],
    "commercial": ["ads", "sanitation", "order", "parking"],
    "hospital": ["ads", "sanitation", "traffic", "volunteer"],
}
TYPE_DEPARTMENT = {
    "school": "CGJ",
    "intersection": "JJ",
    "community": "CGJ",
    "market": "SCJG",
    "park": "YL",
    "commercial": "SCJG",
    "hospital": "CGJ",
}
CAMERA_KINDS = (["bullet", "dome", "ai", "panorama"], [0.55, 0.25, 0.15, 0.05])
CAMERA_RANGE_M = {"bullet": 60.0, "dome": 80.0, "ai": 50.0, "panorama": 150.0}


def jitter(rng: np.random.Generator, lon: np.ndarray, lat: np.ndarray, metres: float) -> tuple[np.ndarray, np.ndarray]:
    """Move points by a normal offset of ``metres`` standard deviation."""
    return (
        lon + rng.normal(0, metres, len(lon)) / M_PER_DEG_LON,
        lat + rng.normal(0, metres, len(lat)) / M_PER_DEG_LAT,
    )


def random_in(geom, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` uniform random points inside a polygon."""
    minx, miny, maxx, maxy = geom.bounds
    xs, ys = np.empty(0), np.empty(0)
    shapely.prepare(geom)
    while len(xs) < n:
        x = rng.uniform(minx, maxx, 4 * n + 16)
        y = rng.uniform(miny, maxy, 4 * n + 16)
        keep = shapely.contains_xy(geom, x, y)
        xs, ys = np.r_[xs, x[keep]], np.r_[ys, y[keep]]
    return xs[:n], ys[:n]


def cameras(roads: gpd.GeoDataFrame, district, n: int, anchor: datetime, rng: np.random.Generator) -> pd.DataFrame:
    """Cameras along roads (80%) and scattered in residential areas; about 10% offline."""
    n_road = int(n * 0.8)
    lengths = shapely.length(roads.geometry.to_numpy())
    road_idx = rng.choice(len(roads), n_road, p=lengths / lengths.sum())
    frac = rng.uniform(0, 1, n_road)
    pts = shapely.line_interpolate_point(roads.geometry.to_numpy()[road_idx], frac, normalized=True)
    lon, lat = jitter(rng, shapely.get_x(pts), shapely.get_y(pts), 12)
    lon2, lat2 = random_in(district, n - n_road, rng)
    lon, lat = np.r_[lon, lon2], np.r_[lat, lat2]
    inside = shapely.contains_xy(district, lon, lat)
    lon, lat = (
        np.where(inside, lon, np.r_[shapely.get_x(pts), lon2]),
        np.where(inside, lat, np.r_[shapely.get_y(pts), lat2]),
    )
    kind = rng.choice(CAMERA_KINDS[0], n, p=CAMERA_KINDS[1])
    offline = rng.random(n) < 0.10
    seen_ago = np.where(offline, rng.uniform(3_600, 10 * 86_400, n), rng.uniform(5, 300, n))
    road_names = np.r_[roads["name"].to_numpy()[road_idx], np.full(n - n_road, "小区")]
    return pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "code": [f"CAM{i:07d}" for i in range(1, n + 1)],
            "name": [
                f"{r}{i % 97 + 1}号{t(f'camera.kind.{k}', 'zh')}" for i, (r, k) in enumerate(zip(road_names, kind))
            ],
            "kind": kind,
            "status": np.where(offline, "offline", "online"),
            "last_seen_at": [anchor - timedelta(seconds=float(s)) for s in seen_ago],
            "view_range_m": [CAMERA_RANGE_M[k] for k in kind],
            "lon": lon,
            "lat": lat,
        }
    )


def camera_events(cams: pd.DataFrame, anchor: datetime, days: int, rng: np.random.Generator) -> pd.DataFrame:
    """Online/offline changes over the last ``days`` for about 15% of cameras, ending in their
    current status (the history that "cameras online yesterday" is computed from)."""
    flaky = np.flatnonzero(rng.random(len(cams)) < 0.15)
    rows: list[tuple[int, datetime, str, str]] = []
    for i in flaky:
        n = int(rng.integers(1, 4))
        offsets = np.sort(rng.uniform(600, days * 86_400, n))[::-1]  # oldest first
        status = cams["status"].iat[i]
        # Walk back from the current status: the last change led to it.
        states = [status if k % 2 == 0 else ("online" if status == "offline" else "offline") for k in range(n + 1)]
        states = states[::-1]  # states[0] before the first change, states[-1] == current
        for k, off in enumerate(offsets):
            rows.append((int(cams["id"].iat[i]), anchor - timedelta(seconds=float(off)), states[k], states[k + 1]))
    return pd.DataFrame(rows, columns=["camera_id", "at", "from_status", "to_status"])


def _intersections(roads: gpd.GeoDataFrame) -> list[tuple[str, float, float]]:
    out = []
    geoms, names = roads.geometry.to_numpy(), roads["name"].to_numpy()
    tree = shapely.STRtree(geoms)
    a_idx, b_idx = tree.query(geoms, predicate="crosses")
    for a, b in zip(a_idx, b_idx):
        if a < b:
            p = shapely.intersection(geoms[a], geoms[b])
            if p.geom_type == "Point":
                out.append((f"{names[a]}与{names[b]}交叉口", p.x, p.y))
    return out


def checkpoints(
    units: gpd.GeoDataFrame, roads: gpd.GeoDataFrame, scale: float, rng: np.random.Generator
) -> pd.DataFrame:
    """Checkpoints of every type; ``scale`` 1.0 gives the demo's ~300."""
    district = demo_territory.outline(units)
    rows: list[tuple[str, str, float, float]] = []
    crossings = _intersections(roads)
    pick = rng.choice(len(crossings), min(len(crossings), int(120 * scale)), replace=False)
    rows += [("intersection", crossings[i][0], crossings[i][1], crossings[i][2]) for i in sorted(pick)]
    communities = units[units.level == "community"]
    for name, geom in zip(communities["name"], communities.geometry):
        p = geom.representative_point()
        rows.append(("community", f"{name}党群服务中心", p.x, p.y))

    def scatter(kind: str, names: list[str], count: int) -> None:
        xs, ys = random_in(district, count, rng)
        for i in range(count):
            base = names[i % len(names)]
            rows.append((kind, base if i < len(names) else f"{base}（{i // len(names) + 1}）", xs[i], ys[i]))

    scatter("school", names.SCHOOLS, int(40 * scale))
    scatter("market", [f"{s}农贸市场" for s in names.MARKET_STEMS], int(30 * scale))
    scatter("park", names.PARK_NAMES, int(25 * scale))
    scatter("commercial", names.COMMERCIAL_NAMES, int(20 * scale))
    scatter("hospital", names.HOSPITALS, int(10 * scale))
    frame = pd.DataFrame(rows, columns=["type_code", "name", "lon", "lat"])
    frame.insert(0, "id", np.arange(1, len(frame) + 1))
    frame.insert(1, "code", [f"CP{i:06d}" for i in frame["id"]])
    frame["department_code"] = frame["type_code"].map(TYPE_DEPARTMENT)
    return frame


def inspections(
    points: pd.DataFrame, cams: pd.DataFrame, anchor: datetime, months: int, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly inspections with a pass/fail per element. An intersection passes 'camera' only
    when an online camera stands within 50 m, so coverage questions have a true answer."""
    online = cams[cams.status == "online"]
    tree = shapely.STRtree(shapely.points(online.lon * M_PER_DEG_LON, online.lat * M_PER_DEG_LAT))
    cp_xy = shapely.points(points.lon * M_PER_DEG_LON, points.lat * M_PER_DEG_LAT)
    covered = np.zeros(len(points), dtype=bool)
    covered[np.unique(tree.query(cp_xy, predicate="dwithin", distance=50.0)[0])] = True
    quality = rng.beta(5, 2, len(points))
    insp_rows, result_rows = [], []
    insp_id = 0
    for i, (cp_id, type_code) in enumerate(zip(points["id"], points["type_code"])):
        for m in range(months):
            insp_id += 1
            when = anchor - timedelta(days=30 * (months - m) - float(rng.uniform(0, 20)))
            insp_rows.append((insp_id, cp_id, type_code, when, f"督查组{rng.integers(1, 9)}"))
            q = min(0.99, quality[i] + 0.02 * m)
            for element in ELEMENTS[type_code]:
                passed = bool(covered[i]) if element == "camera" else bool(rng.random() < q)
                result_rows.append((insp_id, type_code, element, passed))
    insp = pd.DataFrame(insp_rows, columns=["id", "checkpoint_id", "type_code", "inspected_at", "inspector"])
    results = pd.DataFrame(result_rows, columns=["inspection_id", "type_code", "element_code", "passed"])
    return insp, results


def assign(frame: pd.DataFrame, index: UnitIndex) -> pd.DataFrame:
    """Attach street, community, grid and exclusive-grid ids to a frame with lon/lat."""
    ids = index.assign(frame["lon"].to_numpy(), frame["lat"].to_numpy())
    return pd.concat([frame.reset_index(drop=True), ids], axis=1)
