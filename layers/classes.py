"""The colour classes of open cases, one rule for every choropleth (the wall, the drill-down, the
one map and the workbench): classes from the values of the units shown at that level, stable
between refreshes unless the distribution really moves, and stated in the legend.

0 is a class of its own; the units with cases are split at their 20th, 40th, 60th and 80th
percentiles, rounded to two significant digits (fewer classes when there are fewer distinct
values), so that a city's 70,000 grids or its hundred streets spread over the legend instead of
sharing one class. Fixed class bounds (1–2, 3–5, …) scaled to one size of unit say nothing at
another: a street has thousands of open cases, a grid a few.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from i18n import Message
from layers.base import ColourClasses, LegendItem

PALETTE = ("#173454", "#2f7394", "#f2c14e", "#f08a3c", "#d93f2b", "#9e0142")
QUANTILES = (0.2, 0.4, 0.6, 0.8)
MOVED = 0.15  # a bound that moves by more than this share of itself (and by more than 1) is a new picture


def round2(x: float) -> int:
    """``x`` rounded down to two significant digits (9,734 → 9,700; 14 → 14), for legend bounds."""
    if x < 100:
        return int(x)
    k = 10 ** (math.floor(math.log10(x)) - 1)
    return int(x // k * k)


def open_classes(values: Sequence[int | None]) -> ColourClasses:
    """Classes of the open counts ``values`` (one per unit shown): 0, then the units with cases
    split at their quantiles."""
    counts = np.asarray(values, dtype=float)  # a None is NaN: not a unit with cases
    positive = np.sort(counts[counts > 0])
    breaks = [0, 1]
    for q in QUANTILES if len(positive) else ():
        bound = round2(float(np.quantile(positive, q, method="higher")))
        if bound > breaks[-1]:
            breaks.append(bound)
    return ColourClasses(breaks=tuple(breaks), colors=PALETTE)


def moved(old: Sequence[float], new: Sequence[float]) -> bool:
    """Whether class bounds ``new`` differ from ``old`` by more than a refresh's jitter."""
    if len(old) != len(new):
        return True
    return any(abs(b - a) > max(1.0, MOVED * abs(a)) for a, b in zip(old, new))


def stable_classes(values: Sequence[int | None], held: Sequence[float] | None) -> ColourClasses:
    """The classes of ``values``, or the ones a page already shows (``held``, their bounds) when the
    distribution has not really moved, so colours compare from one refresh to the next."""
    fresh = open_classes(values)
    if held and not moved(held, fresh.breaks):
        return ColourClasses(breaks=tuple(held), colors=PALETTE)
    return fresh


def range_labels(classes: ColourClasses) -> list[str]:
    """Each class's range as the legend states it: "0", "1–2", …, "≥5,200"."""
    b = [int(x) for x in classes.breaks]
    out = []
    for i, lo in enumerate(b):
        if i + 1 == len(b):
            out.append(f"≥{lo:,}" if i else "0")
        elif b[i + 1] - 1 > lo:
            out.append(f"{lo:,}–{b[i + 1] - 1:,}")
        else:
            out.append(f"{lo:,}")
    return out


def legend(classes: ColourClasses) -> list[LegendItem]:
    """One legend row per class."""
    return [
        LegendItem(colour, Message("legend.open_cases", range=label))
        for colour, label in zip(classes.colors, range_labels(classes))
    ]
