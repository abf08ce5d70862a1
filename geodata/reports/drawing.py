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
SERIES = ((31, 78, 121), (198, 40, 40), (46, 125, 50), (237, 125, 49), (112, 48, 160), (0, 150, 160))


@dataclass(frozen=True)
class Classes:
    """Equal-interval classes over the scores on the map (one class when they are all equal)."""

    low: float
    high: float
    n: int

    @classmethod
    def of(cls, scores: Sequence[float | None]) -> Classes | None:
        have = [s for s in scores if s is not None]
        if not have:
            return None
        low, high = min(have), max(have)
        return cls(low, high, 1 if high - low < 1e-9 else len(RAMP))

    def index(self, score: float) -> int:
        if self.n == 1:
            return len(RAMP) - 1
        i = int((score - self.low) / (self.high - self.low) * self.n)
        return min(max(i, 0), self.n - 1)

    def colour(self, score: float | None) -> tuple[int, int, int]:
        return NONE_FILL if score is None else RAMP[self.index(score)]

    def bounds(self) -> list[tuple[float, float, tuple[int, int, int]]]:
        if self.n == 1:
            return [(self.low, self.high, RAMP[-1])]
        step = (self.high - self.low) / self.n
        return [(self.low + i * step, self.low + (i + 1) * step, RAMP[i]) for i in range(self.n)]


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
    size = 7 if len(shapes) <= 12 else 5.5 if len(shapes) <= 40 else 0
    if size:
        pdf.set_font(font, "", size)
        for shape in shapes:
            p = shape.geometry.representative_point()
            cx, cy = at(p.x, p.y)
            tw = pdf.get_string_width(shape.name)
            pdf.set_text_color(20, 20, 20)
            pdf.text(cx - tw / 2, cy + size * 0.13, shape.name)
            if shape.flag in ("red", "black"):
                _triangle(
                    pdf, cx - tw / 2 - 2.2, cy - 0.2, 2.6, shape.flag == "red", RED if shape.flag == "red" else BLACK
                )
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
    if low is None:
        low = math.floor(min(values) / 5) * 5 if values else 0
    if high is None:
        high = math.ceil(max(values) / 5) * 5 if values else 100
    if high - low < 1e-9:
        low, high = low - 1, high + 1

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
        label = f"{v:.0f}" if abs(step - round(step)) < 1e-9 else f"{v:.1f}"
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
