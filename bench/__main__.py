"""docs/performance.md figures, measured here: ``python -m bench --scale demo|city``.

Runs against its own database (gridops_bench_<scale>) on the embedded cluster, generated with the
demo generator on first use, and drives the real Dash app through Flask's test client, so the
numbers include Dash's own serialisation. Prints medians; writes bench/results/<scale>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from geodata.clock import TZ


def main(argv: list[str] | None = None) -> int:
    """Measure and print the budget figures."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", choices=["demo", "city"], default="demo")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    os.environ["GRIDOPS_DB_NAME"] = f"gridops_bench_{args.scale}"
    os.environ.pop("DATABASE_URL", None)

    from bench.measure import Bench

    bench = Bench(args.scale, args.repeat)
    results = bench.run()
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    stamp = datetime.now(TZ).isoformat(timespec="seconds")
    (out / f"{args.scale}.json").write_text(json.dumps({"measured_at": stamp, **results}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
