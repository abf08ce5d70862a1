"""Bulk case load speed (docs/performance.md: ≥ 50k cases/s): ``python -m bench.load [--rows 200000]``.

Writes a hotline-style CSV (Chinese headers, GBK) of random cases inside the territory of the
configured database, loads it with geodata.load as a dry run (all the work, rolled back), then
vacuums cases so that a repeated run meets the same table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg2
import shapely

from geodata.load.loader import load
from geodata.load.options import Options
from settings import get_settings

STATUSES = ["待受理", "已派单", "处理中", "已办结", "已关闭"]
CATEGORIES = ["暴露垃圾", "占道经营", "0503", "噪音扰民", "道路破损", "路灯不亮"]


def make_csv(path: Path, rows: int, seed: int = 1) -> None:
    """Random cases inside the territory's top-level units."""
    conn = psycopg2.connect(get_settings().admin_dsn())
    with conn, conn.cursor() as cur:
        cur.execute("SELECT ST_AsBinary(ST_Union(geom)) FROM units WHERE parent_id IS NULL")
        territory = shapely.from_wkb(bytes(cur.fetchone()[0]))
    conn.close()
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = territory.bounds
    lon = rng.uniform(x0, x1, rows * 2)
    lat = rng.uniform(y0, y1, rows * 2)
    inside = shapely.contains_xy(territory, lon, lat)
    lon, lat = lon[inside][:rows], lat[inside][:rows]
    n = len(lon)
    reported = pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 300 * 86400, n), unit="s")
    status = rng.choice(STATUSES, n)
    closed = (reported + pd.to_timedelta(rng.integers(3600, 5 * 86400, n), unit="s")).strftime("%Y-%m-%d %H:%M:%S")
    frame = pd.DataFrame(
        {
            "工单编号": [f"BENCH{i:08d}" for i in range(n)],
            "受理时间": reported.strftime("%Y-%m-%d %H:%M:%S"),
            "问题类型": rng.choice(CATEGORIES, n),
            "办理状态": status,
            "结案时间": np.where(np.isin(status, ["已办结", "已关闭"]), closed, ""),
            "问题描述": "市民反映",
            "经度": lon.round(6),
            "纬度": lat.round(6),
        }
    )
    frame.to_csv(path, index=False, encoding="gbk")


def _vacuum() -> None:
    conn = psycopg2.connect(get_settings().admin_dsn())
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("VACUUM cases, case_events")
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    """Generate, load, print cases/s."""
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.csv"
        make_csv(path, args.rows)
        started = time.perf_counter()
        report = load("cases", path, Options(crs="EPSG:4326", source="hotline", dry_run=True))
        elapsed = time.perf_counter() - started
    _vacuum()  # the rolled-back rows leave dead index entries that the next run would wade through
    print(report.summary())
    print(f"bulk case load: {report.read:,} rows in {elapsed:.2f} s = {report.read / elapsed:,.0f} rows/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
