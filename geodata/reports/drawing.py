"""Vector drawing on a report's PDF page (fpdf2): the map of units coloured by score, line charts
and the colour classes they share. No browser and no raster: outlines are projected from lon/lat
and drawn as paths, so the map stays sharp when printed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from fpdf import FPDF

from geodata.reports.content import Shape

# 分级分色 (Shenzhen DB4403/T 32-2019 appendix D grades units by colour): five classes, low to high.
RAMP = ((215, 48, 39), (252, 141, 89), (254, 224, 139), (145, 207, 96), (26, 152, 80))
NONE_FILL = (220, 220, 220)
RED = (198, 40, 40)
BLACK = (33, 33, 33)
GRID = (225, 225, 225)
INK = (60, 60, 60)
QUANTILES_FROM = 10  # from this many units on, the map's classes are quantiles
SERIES = ((31, 78, 121), (198, 40, 40), (46, 125, 50), (237, 125, 49), (112, 48, 160), (0, 150, 160))


@dataclass(frozen=True)
class Classes:
    """Five classes of the scores on the map, low to high: equal intervals for a few units,
    quantiles (about a fifth of the units each) from QUANTILES_FROM units on, so that a map of a
    hundred streets is not one colour with an outlier at each end. One class when all are equal."""

    breaks: tuple[float, ...]  # the n + 1 bounds, ascending

    @classmethod
    def of(cls, scores: Sequence[float | None]) -> Classes | None:
        have = sorted(s for s in scores if s is not None)
        if not have:
            return None
        low, high = have[0], have[-1]
        if high - low < 1e-9:
            return cls((low, high))
        n = len(RAMP)
        if len(have) >= QUANTILES_FROM:
            inner = [have[min(len(have) - 1, round(len(have) * i / n))] for i in range(1, n)]
            breaks = sorted({low, *inner, high})
            if len(breaks) >= 3:
                return cls(tuple(breaks))
        return cls(tuple(low + (high - low) * i / n for i in range(n + 1)))

    @property
    def n(self) -> int:
        return len(self.breaks) - 1

    def index(self, score: float) -> int:
        for i in range(self.n):
            if score < self.breaks[i + 1]:
                return i
        return self.n - 1

    def colour(self, score: float | None) -> tuple[int, int, int]:
        if score is None:
            return NONE_FILL
        return self.ramp()[self.index(score)]

    def ramp(self) -> list[tuple[int, int, int]]:
        """The colours of the classes, low to high (fewer classes: spread over the ramp)."""
        if self.n == 1:
            return [RAMP[-1]]
        return [RAMP[round(i * (len(RAMP) - 1) / (self.n - 1))] for i in range(self.n)]

    def bounds(self) -> list[tuple[float, float, tuple[int, int, int]]]:
        return [(self.breaks[i], self.breaks[i + 1], c) for i, c in enumerate(self.ramp())]


def _rings(geometry) -> list[list[tuple[float, float]]]:
    """The outer rings of a polygon or multipolygon, lon/lat."""
    polys = getattr(geometry, "geoms", [geometry])
    return [list(p.exterior.coords) for p in polys if getattr(p, "exterior", None) is not None]


def _holes(geometry) -> list[list[tuple[float, float]]]:
    polys = getattr(geometry, "geoms", [geometry])
    return [list(r.coords) for p in polys for r in getattr(p, "interiors", [])]


def _triangle(pdf: FPDF, x: float, y: float, size: float, up: bool, colour: tuple[int, int, int]) -> None:
    pdf.set_fill_color(*colour)
    pdf.set_draw_color(255, 255, 255)
    pdf.set_line_width(0.2)
    d = size / 2
    pts = [(x - d, y + d), (x + d, y + d), (x, y - d)] if up else [(x - d, y - d), (x + d, y - d), (x, y + d)]
    pdf.polygon(pts, style="DF")


def aspect(shapes: list[Shape]) -> float:
    """Height over width of the units' extent as the map projects it (1 when there is none)."""
    pts = [p for s in shapes for r in _rings(s.geometry) for p in r]
    if not pts:
        return 1.0
    lons, lats = [p[0] for p in pts], [p[1] for p in pts]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    width = (max(lons) - min(lons)) * k
    return (max(lats) - min(lats)) / width if width > 1e-9 else 1.0


def unit_map(pdf: FPDF, shapes: list[Shape], x: float, y: float, w: float, h: float, font: str) -> Classes | None:
    """The units drawn in the box (x, y, w, h) in mm, filled by score class, named, flagged."""
    classes = Classes.of([s.score for s in shapes])
    rings = [(s, _rings(s.geometry)) for s in shapes]
    pts = [p for _s, rs in rings for r in rs for p in r]
    if not pts:
        return classes
    lons, lats = [p[0] for p in pts], [p[1] for p in pts]
    lat0 = (min(lats) + max(lats)) / 2
    k = math.cos(math.radians(lat0))
    span_x, span_y = (max(lons) - min(lons)) * k or 1e-6, (max(lats) - min(lats)) or 1e-6
    scale = min(w / span_x, h / span_y)
    ox = x + (w - span_x * scale) / 2
    oy = y + (h - span_y * scale) / 2

    def at(lon: float, lat: float) -> tuple[float, float]:
        return ox + (lon - min(lons)) * k * scale, oy + (max(lats) - lat) * scale

    pdf.set_line_width(0.3)
    for shape, rs in rings:
        fill = classes.colour(shape.score) if classes else NONE_FILL
        pdf.set_fill_color(*fill)
        pdf.set_draw_color(255, 255, 255)
        for ring in rs:
            pdf.polygon([at(*p[:2]) for p in ring], style="DF")
        pdf.set_fill_color(255, 255, 255)
        for hole in _holes(shape.geometry):
            pdf.polygon([at(*p[:2]) for p in hole], style="F")
    pdf.set_draw_color(90, 90, 90)
    pdf.set_line_width(0.15)
    for _shape, rs in rings:
        for ring in rs:
            pdf.polygon([at(*p[:2]) for p in ring], style="D")
    size = 7 if len(shapes) <= 12 else 5.5 if len(shapes) <= 40 else 0  # too many units: marks only
    pdf.set_font(font, "", size or 5)
    for shape in shapes:
        p = shape.geometry.representative_point()
        cx, cy = at(p.x, p.y)
        tw = pdf.get_string_width(shape.name) if size else 0
        if size:
            pdf.set_text_color(20, 20, 20)
            pdf.text(cx - tw / 2, cy + size * 0.13, shape.name)
        if shape.flag in ("red", "black"):
            mark_x = cx - tw / 2 - 2.2 if size else cx
            _triangle(pdf, mark_x, cy - 0.2, 2.6, shape.flag == "red", RED if shape.flag == "red" else BLACK)
    return classes


def legend(
    pdf: FPDF,
    classes: Classes | None,
    x: float,
    y: float,
    font: str,
    title: str,
    none_label: str,
    flags: tuple[str, str],
) -> float:
    """The map's legend from (x, y); the y below it."""
    pdf.set_font(font, "B", 8)
    pdf.set_text_color(*INK)
    pdf.text(x, y + 3, title)
    y += 5
    pdf.set_font(font, "", 7.5)
    rows = list(reversed(classes.bounds())) if classes else []
    for low, high, colour in rows:
        pdf.set_fill_color(*colour)
        pdf.set_draw_color(150, 150, 150)
        pdf.rect(x, y, 6, 3.6, style="DF")
        pdf.text(x + 8, y + 2.9, f"{low:.1f} – {high:.1f}")
        y += 4.8
    pdf.set_fill_color(*NONE_FILL)
    pdf.rect(x, y, 6, 3.6, style="DF")
    pdf.text(x + 8, y + 2.9, none_label)
    y += 5.5
    for up, colour, label in ((True, RED, flags[0]), (False, BLACK, flags[1])):
        _triangle(pdf, x + 3, y + 1.6, 2.8, up, colour)
        pdf.set_text_color(*INK)
        pdf.text(x + 8, y + 2.9, label)
        y += 4.8
    return y + 1


def nice_range(low: float, high: float) -> tuple[float, float]:
    """An axis from ``low`` to ``high`` in four equal steps of a round size (1, 2, 2.5 or 5 times a
    power of ten)."""
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    raw = (high - low) / 4
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10, 20):
        step = m * power
        start = math.floor(low / step) * step
        if start + 4 * step >= high - 1e-9:
            return start, start + 4 * step
    return low, high


def line_chart(
    pdf: FPDF,
    x: float,
    y: float,
    w: float,
    h: float,
    months: list[str],
    series: list[tuple[str, list[float | None]]],
    font: str,
    title: str,
    low: float | None = None,
    high: float | None = None,
    invert: bool = False,
) -> None:
    """Lines over the months (None breaks a line) in the box; ``invert`` puts low values on top
    (ranks)."""
    pdf.set_font(font, "B", 9)
    pdf.set_text_color(*INK)
    pdf.text(x, y + 3.5, title)
    top = y + 7
    legend_h = 5
    plot_x, plot_y, plot_w, plot_h = x + 11, top, w - 14, h - (top - y) - 9 - legend_h
    values = [v for _n, vs in series for v in vs if v is not None]
    if low is None or high is None:
        low, high = nice_range(min(values, default=0.0), max(values, default=100.0))

    def py(v: float) -> float:
        f = (v - low) / (high - low)
        return plot_y + (f if invert else 1 - f) * plot_h

    n = max(len(months), 1)

    def px(i: int) -> float:
        return plot_x + (plot_w * (i + 0.5) / n)

    pdf.set_font(font, "", 6.5)
    pdf.set_line_width(0.15)
    for j in range(5):
        v = low + (high - low) * j / 4
        pdf.set_draw_color(*GRID)
        pdf.line(plot_x, py(v), plot_x + plot_w, py(v))
        step = (high - low) / 4
        label = (
            f"{v:.0f}"
            if abs(step - round(step)) < 1e-9
            else f"{v:.1f}"
            if abs(10 * step - round(10 * step)) < 1e-9
            else f"{v:.2f}"
        )
        pdf.text(plot_x - 1.5 - pdf.get_string_width(label), py(v) + 1, label)
    pdf.set_draw_color(150, 150, 150)
    pdf.line(plot_x, plot_y + plot_h, plot_x + plot_w, plot_y + plot_h)
    for i, m in enumerate(months):
        label = m[2:] if len(months) > 8 else m
        pdf.text(px(i) - pdf.get_string_width(label) / 2, plot_y + plot_h + 3.5, label)
    for k, (_name, vs) in enumerate(series):
        colour = SERIES[k % len(SERIES)]
        pdf.set_draw_color(*colour)
        pdf.set_fill_color(*colour)
        pdf.set_line_width(0.5)
        prev = None
        for i, v in enumerate(vs):
            if v is None:
                prev = None
                continue
            cur = (px(i), py(v))
            if prev is not None:
                pdf.line(*prev, *cur)
            pdf.ellipse(cur[0] - 0.8, cur[1] - 0.8, 1.6, 1.6, style="F")
            prev = cur
    lx = plot_x
    ly = plot_y + plot_h + 6.5
    pdf.set_font(font, "", 7)
    for k, (name, _vs) in enumerate(series):
        colour = SERIES[k % len(SERIES)]
        pdf.set_draw_color(*colour)
        pdf.set_line_width(0.6)
        pdf.line(lx, ly + 1.2, lx + 5, ly + 1.2)
        pdf.set_text_color(*INK)
        pdf.text(lx + 6, ly + 2.2, name)
        lx += 9 + pdf.get_string_width(name)
    pdf.set_line_width(0.2)
