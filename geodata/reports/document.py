"""The report's PDF (fpdf2, A4, Chinese, the Noto Sans CJK font embedded as a subset).

Page 1: the heading (subject, period, when kept and made), the key figures, the subject's place
and the flags, the warnings (连续两月黑旗) and the map of its units coloured by score (a
department's report has its score trend there instead). Then the ranking tables, the trends of the
last 12 closed months and the formulas (指标说明).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fpdf import FPDF

from geodata.assessment.indicators import BY_KEY
from geodata.errors import SetupError
from geodata.reports import drawing, words
from geodata.reports.content import Ranking, Report, Row
from i18n import t

FONT = "cjk"
FONT_FILES = {
    "": ("NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "NotoSansSC-Regular.otf", "NotoSansSC-Regular.ttf"),
    "B": ("NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansSC-Bold.otf", "NotoSansSC-Bold.ttf"),
}
FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts"))
NAVY = (31, 78, 121)
PALE = (234, 241, 248)
MINE = (255, 242, 204)
FLAG_FILL = {"red": (248, 215, 218), "black": (208, 208, 208)}
FLAG_INK = {"red": drawing.RED, "black": drawing.BLACK}
HEADLINE = ("filed", "due", "closure_rate", "on_time_rate", "rework_rate", "satisfaction_rate")
AREA_COLS = ("due", "closure_rate", "on_time_rate", "rework_rate", "satisfaction_rate")
POST_COLS = ("reports", "valid_report_rate", "checks_due", "verify_on_time_rate")
ROWS_SHOWN = 40  # a longer ranking shows its first and last 20 (the workbook has every row)
ROW_H = 6.2


@cache
def font_file(style: str) -> tuple[Path, int]:
    """(file, index in a collection) of the Simplified Chinese face of Noto Sans CJK; SetupError
    naming the package to install when it is missing."""
    for folder in FONT_DIRS:
        for name in FONT_FILES[style]:
            found = next(iter(folder.rglob(name)), None) if folder.is_dir() else None
            if found is None:
                continue
            if found.suffix != ".ttc":
                return found, 0
            from fontTools.ttLib import TTCollection

            faces = TTCollection(str(found), lazy=True).fonts
            index = next((i for i, f in enumerate(faces) if f["name"].getDebugName(1).endswith("CJK SC")), 0)
            return found, index
    raise SetupError("the PDF report needs a Chinese font: install fonts-noto-cjk (apt-get install fonts-noto-cjk)")


class Document(FPDF):
    """A4 portrait with the report's running footer."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        for style in ("", "B"):
            path, index = font_file(style)
            self.add_font(FONT, style, str(path), collection_font_number=index)
        self.set_auto_page_break(True, margin=16)
        self.set_margins(15, 14, 15)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(130, 130, 130)
        self.cell(0, 4, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, t("rep.page", n=self.page_no()), align="R")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """The text cut with "…" to fit the width."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _section(pdf: FPDF, text: str, need: float = 40) -> None:
    if pdf.get_y() > pdf.h - 16 - need:
        pdf.add_page()
    pdf.ln(2)
    y = pdf.get_y()
    pdf.set_fill_color(*NAVY)
    pdf.rect(pdf.l_margin, y + 0.8, 1.6, 5.4, style="F")
    pdf.set_xy(pdf.l_margin + 3.5, y)
    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(*NAVY)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(40, 40, 40)
    pdf.ln(1)


def _heading(pdf: FPDF, report: Report) -> None:
    pdf.set_fill_color(*NAVY)
    pdf.rect(0, 0, pdf.w, 10, style="F")
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(15, 2.5)
    pdf.cell(90, 5, report.territory)
    pdf.set_xy(pdf.w - 105, 2.5)
    pdf.cell(90, 5, t("rep.confidential"), align="R")
    pdf.set_xy(15, 16)
    pdf.set_text_color(*NAVY)
    pdf.set_font(FONT, "B", 20)
    pdf.cell(0, 10, words.title(report), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 13)
    pdf.set_text_color(40, 40, 40)
    pdf.cell(0, 7, words.period_name(report), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(110, 110, 110)
    first = report.start.strftime("%Y-%m-%d %H:%M")
    last = report.end.strftime("%Y-%m-%d %H:%M")
    pdf.cell(0, 4.5, t("rep.range", first=first, last=last), new_x="LMARGIN", new_y="NEXT")
    closed = report.closed_at.astimezone(report.start.tzinfo).strftime("%Y-%m-%d %H:%M")
    made = report.generated_at.strftime("%Y-%m-%d %H:%M")
    pdf.cell(0, 4.5, t("rep.closed", closed=closed, generated=made), new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.6)
    pdf.line(15, pdf.get_y() + 2, pdf.w - 15, pdf.get_y() + 2)
    pdf.ln(5)


def _headline(pdf: FPDF, report: Report) -> None:
    figures = report.totals_figures
    n = len(HEADLINE)
    gap = 3
    w = (pdf.w - 30 - gap * (n - 1)) / n
    y = pdf.get_y()
    for i, key in enumerate(HEADLINE):
        x = 15 + i * (w + gap)
        pdf.set_fill_color(*PALE)
        pdf.rect(x, y, w, 19, style="F")
        pdf.set_xy(x, y + 2.5)
        pdf.set_font(FONT, "B", 15)
        pdf.set_text_color(*NAVY)
        value = figures.value(key)
        shown = "—" if value is None else (f"{value:,}" if isinstance(value, int) else f"{100 * value:.1f}%")
        pdf.cell(w, 8, shown, align="C")
        pdf.set_xy(x, y + 11.5)
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(90, 90, 90)
        pdf.cell(w, 5, BY_KEY[key].name, align="C")
    pdf.set_xy(15, y + 22)


def _place(pdf: FPDF, report: Report) -> None:
    pdf.set_text_color(40, 40, 40)
    if report.own is not None and report.peers > 1:
        own = report.own
        if own.score is None:
            text = t("rep.own_none")
        else:
            flag = words.flag(own.flag)
            text = t(
                "rep.own_place",
                what=words.level(report.subject.grouping),
                rank=own.rank,
                n=report.peers,
                score=words.score(own.score),
                flag=f"，{flag}" if flag else "",
            )
        pdf.set_font(FONT, "B", 10.5)
        if own.flag in FLAG_INK:
            pdf.set_text_color(*FLAG_INK[own.flag])
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(40, 40, 40)
    pdf.set_font(FONT, "", 9)
    for ranking in report.rankings:
        if ranking.grouping == "post" or ranking.scheme is None:
            continue
        red = "、".join(r.name for r in ranking.rows if r.flag == "red") or t("rep.none")
        black = "、".join(r.name for r in ranking.rows if r.flag == "black") or t("rep.none")
        pdf.set_font(FONT, "B", 9)
        pdf.cell(16, 5.5, words.level(ranking.grouping))
        pdf.set_text_color(*drawing.RED)
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(0, 5.5, t("rep.red_list", names=red), new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(15 + 16)
        pdf.set_text_color(*drawing.BLACK)
        pdf.multi_cell(0, 5.5, t("rep.black_list", names=black), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(40, 40, 40)
    found = report.warnings()
    if found:
        pdf.ln(1)
        pdf.set_font(FONT, "B", 9.5)
        pdf.set_text_color(*drawing.RED)
        text = "；".join(t("rep.warning_row", name=r.name, warning=words.warning(r)) for r in found)
        pdf.multi_cell(0, 5.5, f"【{t('rep.warnings')}】{text}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(40, 40, 40)


def _map(pdf: FPDF, report: Report) -> None:
    what = words.level(report.map_level)
    _section(pdf, t("rep.map", what=what))
    if not report.shapes:
        pdf.set_font(FONT, "", 9)
        pdf.cell(0, 6, t("rep.map_none"), new_x="LMARGIN", new_y="NEXT")
        return
    top = pdf.get_y()
    legend_w = 34
    width = pdf.w - 30 - legend_w - 4
    height = max(60.0, min(165.0, pdf.h - 20 - top, (width - 4) * drawing.aspect(report.shapes) + 4))
    pdf.set_draw_color(200, 200, 200)
    pdf.set_line_width(0.2)
    pdf.rect(15, top, width, height, style="D")
    classes = drawing.unit_map(pdf, report.shapes, 17, top + 2, width - 4, height - 4, FONT)
    scheme = next((r.scheme for r in report.rankings if r.grouping == report.map_level), None)
    title = f"{t('rep.legend')}（{t('rep.col.score')}）"
    flags = (t("rep.flag.red"), t("rep.flag.black"))
    end = drawing.legend(pdf, classes, 15 + width + 4, top + 2, FONT, title, t("rep.legend_none"), flags)
    if scheme is not None:
        pdf.set_font(FONT, "", 6.5)
        pdf.set_text_color(110, 110, 110)
        pdf.set_xy(15 + width + 4, end + 1)
        pdf.multi_cell(legend_w, 3.4, scheme.name)
    pdf.set_xy(15, top + height + 2)


def _columns(ranking: Ranking) -> list[tuple[str, float, str]]:
    """(label, width, align) of a ranking table's columns."""
    post = ranking.grouping == "post"
    head = [(t("rep.col.rank"), 11, "C"), (t("rep.col.name"), 22 if post else 34, "L")]
    if post:
        head += [(t("rep.col.code"), 22, "L"), (t("rep.col.parent"), 30, "L")]
        cols = POST_COLS
    else:
        cols = AREA_COLS
    head += [(t("rep.col.score"), 15, "R"), (t("rep.col.flag"), 14, "C")]
    head += [(BY_KEY[k].name, 16.5 if post else 16, "R") for k in cols]
    used = sum(w for _l, w, _a in head)
    if ranking.grouping != "post":
        head.append((t("rep.col.warning"), max(16.0, 180 - used), "C"))
    return head


def _cells(ranking: Ranking, r: Row) -> list[str]:
    rank = str(r.rank) if r.score is not None and r.rank is not None else "—"
    out = [rank, r.name]
    if ranking.grouping == "post":
        out += [r.code, r.parent]
        cols = POST_COLS
    else:
        cols = AREA_COLS
    out += [words.score(r.score), words.flag(r.flag)]
    out += [words.value(r, k) for k in cols]
    if ranking.grouping != "post":
        out.append(words.warning(r))
    return out


def _table_head(pdf: FPDF, cols: list[tuple[str, float, str]]) -> None:
    pdf.set_font(FONT, "B", 8)
    pdf.set_fill_color(*NAVY)
    pdf.set_text_color(255, 255, 255)
    for label, w, _a in cols:
        pdf.cell(w, 7, _fit(pdf, label, w - 1), border=0, align="C", fill=True)
    pdf.ln(7)
    pdf.set_text_color(40, 40, 40)


def _ranking(pdf: FPDF, ranking: Ranking) -> None:
    need = 18 + ROW_H * min(len(ranking.rows) + 1, 8)
    _section(pdf, t("rep.ranking", what=words.level(ranking.grouping)), need)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(110, 110, 110)
    scheme_line = f"{t('rep.col.scheme')}：{words.scheme_name(ranking.scheme)}"
    if ranking.scheme is not None:
        scheme_line += f"；{words.flag_rule(ranking.scheme)}"
    pdf.multi_cell(0, 4.5, scheme_line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    if not ranking.rows:
        pdf.set_font(FONT, "", 9)
        pdf.cell(0, 6, t("rep.no_rows"), new_x="LMARGIN", new_y="NEXT")
        return
    cols = _columns(ranking)
    rows = ranking.rows
    cut = len(rows) > ROWS_SHOWN
    if cut:
        half = ROWS_SHOWN // 2
        rows = [*rows[:half], None, *rows[-half:]]
    _table_head(pdf, cols)
    for i, r in enumerate(rows):
        if pdf.get_y() + ROW_H > pdf.h - 18:
            pdf.add_page()
            _table_head(pdf, cols)
        if r is None:
            pdf.set_font(FONT, "", 8)
            pdf.set_text_color(110, 110, 110)
            pdf.cell(0, ROW_H, "⋯", align="C", new_x="LMARGIN", new_y="NEXT")
            continue
        fill = MINE if r.mine else PALE if i % 2 else (255, 255, 255)
        texts = _cells(ranking, r)
        for j, ((_label, w, align), text) in enumerate(zip(cols, texts, strict=True)):
            pdf.set_fill_color(*fill)
            pdf.set_text_color(40, 40, 40)
            pdf.set_font(FONT, "B" if r.mine else "", 8)
            label = _label
            if label == t("rep.col.flag") and r.flag in FLAG_FILL:
                pdf.set_fill_color(*FLAG_FILL[r.flag])
                pdf.set_text_color(*FLAG_INK[r.flag])
                pdf.set_font(FONT, "B", 8)
            if label == t("rep.col.warning") and text:
                pdf.set_text_color(*drawing.RED)
                pdf.set_font(FONT, "B", 7.5)
            pdf.cell(w, ROW_H, _fit(pdf, text, w - 1.5), align=align, fill=True)
            del j
        pdf.ln(ROW_H)
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.3)
    pdf.line(15, pdf.get_y(), 15 + sum(w for _l, w, _a in cols), pdf.get_y())
    pdf.ln(1.5)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(110, 110, 110)
    note = t("rep.rank_note")
    if cut:
        note += " " + t("rep.rows_cut", n=len(ranking.rows), top=ROWS_SHOWN // 2, bottom=ROWS_SHOWN // 2)
    pdf.multi_cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")


def _rate_series(report: Report) -> list[tuple[str, list[float | None]]]:
    out = []
    for key in ("closure_rate", "on_time_rate", "satisfaction_rate", "rework_rate"):
        values = []
        for counts in report.trend.own_counts:
            row = Row("", "", "", counts or {}, None, None, None, None)
            v = row.value(key) if counts else None
            values.append(None if v is None else 100 * v)
        out.append((BY_KEY[key].name, values))
    return out


def _trends(pdf: FPDF, report: Report, compact: bool = False) -> None:
    tr = report.trend
    _section(pdf, f"{report.subject.name} · {t('rep.trend', n=len(tr.months))}")
    if len(tr.months) < 2:
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(110, 110, 110)
        pdf.cell(0, 5, t("rep.trend_one"), new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y()
    half = (pdf.w - 30 - 6) / 2
    h = 62
    if y + h > pdf.h - 18:
        pdf.add_page()
        y = pdf.get_y()
    drawing.line_chart(pdf, 15, y, half, h, tr.months, _rate_series(report), FONT, t("rep.trend_rates"), 0, 100)
    if report.own is not None:
        series = [(t("rep.col.score"), tr.own_scores)]
        drawing.line_chart(pdf, 15 + half + 6, y, half, h, tr.months, series, FONT, t("rep.trend_own"))
    elif tr.grouping:
        top = list(tr.names)[:6]
        series = [(tr.names[k], tr.scores[k]) for k in top]
        what = words.level(tr.grouping)
        drawing.line_chart(pdf, 15 + half + 6, y, half, h, tr.months, series, FONT, t("rep.trend_scores", what=what))
    pdf.set_xy(15, y + h + 2)
    if compact or not tr.grouping or not tr.names:
        return
    _heat(pdf, report)


def _heat(pdf: FPDF, report: Report) -> None:
    """The scores of the first ranking's rows by month, flagged months tinted."""
    tr = report.trend
    what = words.level(tr.grouping)
    if pdf.get_y() + 6 + 6 + 5.5 * min(len(tr.names), 4) > pdf.h - 18:
        pdf.add_page()
    pdf.set_font(FONT, "B", 9)
    pdf.set_text_color(60, 60, 60)
    pdf.cell(0, 6, t("rep.trend_scores", what=what), new_x="LMARGIN", new_y="NEXT")
    name_w = 36
    month_w = min(18.0, (pdf.w - 30 - name_w) / max(len(tr.months), 1))
    keys = list(tr.names)
    if len(keys) > ROWS_SHOWN:
        keys = keys[:ROWS_SHOWN]

    def head() -> None:
        pdf.set_font(FONT, "B", 7.5)
        pdf.set_fill_color(*NAVY)
        pdf.set_text_color(255, 255, 255)
        pdf.cell(name_w, 6, t("rep.col.name"), fill=True)
        for m in tr.months:
            pdf.cell(month_w, 6, m[2:] if month_w < 14 else m, align="C", fill=True)
        pdf.ln(6)

    head()
    for i, key in enumerate(keys):
        if pdf.get_y() + 5.5 > pdf.h - 18:
            pdf.add_page()
            head()
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(40, 40, 40)
        pdf.set_fill_color(*(PALE if i % 2 else (255, 255, 255)))
        pdf.cell(name_w, 5.5, _fit(pdf, tr.names[key], name_w - 1), fill=True)
        for sc, fl in zip(tr.scores[key], tr.flags[key], strict=True):
            pdf.set_fill_color(*FLAG_FILL.get(fl or "", PALE if i % 2 else (255, 255, 255)))
            pdf.set_text_color(*FLAG_INK.get(fl or "", (40, 40, 40)))
            pdf.cell(month_w, 5.5, "—" if sc is None else f"{sc:.1f}", align="C", fill=True)
        pdf.ln(5.5)
    pdf.ln(2)


def _formulas(pdf: FPDF, report: Report) -> None:
    _section(pdf, t("rep.sheet.formulas"))
    applies = ["area"] + (["post"] if any(r.grouping == "post" for r in report.rankings) else [])
    pdf.set_font(FONT, "", 7.5)
    for what in applies:
        for ind in words.indicators_of(what):
            if pdf.get_y() > pdf.h - 22:
                pdf.add_page()
            pdf.set_text_color(*NAVY)
            pdf.set_font(FONT, "B", 7.5)
            pdf.cell(24, 4.4, ind.name)
            pdf.set_text_color(60, 60, 60)
            pdf.set_font(FONT, "", 7.5)
            pdf.multi_cell(
                0, 4.4, f"{words.definition(ind)}。{t('rep.col.source')}：{ind.source}", new_x="LMARGIN", new_y="NEXT"
            )
    for scheme in report.schemes:
        pdf.ln(2)
        pdf.set_font(FONT, "B", 8.5)
        pdf.set_text_color(*NAVY)
        pdf.multi_cell(0, 5, f"{t('rep.col.scheme')}：{words.scheme_name(scheme)}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(60, 60, 60)
        for name, rule in words.scheme_items(scheme):
            pdf.multi_cell(0, 4.4, f"· {name}：{rule}", new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 4.4, f"· {t('rep.col.flag')}：{words.flag_rule(scheme)}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "", 7.5)
    pdf.multi_cell(0, 4.4, t("rep.source"), new_x="LMARGIN", new_y="NEXT")


def build(report: Report) -> bytes:
    """The PDF's bytes."""
    footer = f"{report.territory} · {words.title(report)} · {words.period_name(report)}"
    pdf = Document(footer)
    pdf.set_title(words.title(report))
    pdf.set_author(report.territory)
    pdf.set_creator("GridOps")
    pdf.add_page()
    _heading(pdf, report)
    _headline(pdf, report)
    _place(pdf, report)
    if report.map_level is not None:
        _map(pdf, report)
    else:
        _trends(pdf, report, compact=True)
    for ranking in report.rankings:
        _ranking(pdf, ranking)
    if report.map_level is not None:
        _trends(pdf, report)
    elif report.trend.grouping and report.trend.names:
        _section(pdf, t("rep.trend", n=len(report.trend.months)))
        _heat(pdf, report)
    _formulas(pdf, report)
    return bytes(pdf.output())
