"""The report's Excel workbook (openpyxl): 概况, one sheet per ranking, 指标表, 趋势 and 指标说明.

Numbers stay numbers (a rate as a fraction with a per-cent format, a score with two decimals), so
a reader can sort and sum; an undefined rate or a unit without a score is "—".
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from geodata.assessment.indicators import BY_KEY
from geodata.reports import words
from geodata.reports.content import Ranking, Report, Row
from i18n import t

HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
HEAD_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=16)
BOLD = Font(bold=True)
FLAG_FILLS = {"red": PatternFill("solid", fgColor="F8D7DA"), "black": PatternFill("solid", fgColor="D0D0D0")}
FLAG_FONTS = {"red": Font(bold=True, color="C00000"), "black": Font(bold=True, color="000000")}
MINE_FILL = PatternFill("solid", fgColor="FFF2CC")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
RANK_KEYS = (
    "due",
    "closed",
    "closed_on_time",
    "overdue_open",
    "closure_rate",
    "on_time_rate",
    "rework_rate",
    "satisfaction_rate",
)
POST_RANK_KEYS = (
    "reports",
    "valid_reports",
    "valid_report_rate",
    "checks_due",
    "checks_on_time",
    "verify_on_time_rate",
)
SHEET_CHARS = "[]:*?/\\"


def _sheet_name(text: str, taken: set[str]) -> str:
    name = "".join(c for c in text if c not in SHEET_CHARS)[:31] or "Sheet"
    base, n = name, 2
    while name in taken:
        name = f"{base[:28]}({n})"
        n += 1
    taken.add(name)
    return name


def _number(value, key: str | None = None):
    """(cell value, number format) of an indicator value, a score or a rank."""
    if value is None:
        return "—", None
    if key is not None and BY_KEY[key].kind == "rate":
        return float(value), "0.0%"
    if isinstance(value, float):
        return value, "0.00"
    return value, None


def _header(ws, row: int, labels: list[str]) -> None:
    for col, text in enumerate(labels, 1):
        cell = ws.cell(row, col, text)
        cell.fill, cell.font, cell.border = HEAD_FILL, HEAD_FONT, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[row].height = 30


def _put(ws, row: int, col: int, value, fmt: str | None = None):
    cell = ws.cell(row, col, value)
    cell.border = BOX
    if fmt:
        cell.number_format = fmt
    return cell


def _widths(ws, widths: list[int]) -> None:
    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _summary(ws, report: Report) -> None:
    ws["A1"] = words.title(report)
    ws["A1"].font = TITLE_FONT
    ws["A2"] = words.period_name(report)
    last = report.end.strftime("%Y-%m-%d %H:%M")
    ws["A3"] = t("rep.range", "zh", first=report.start.strftime("%Y-%m-%d %H:%M"), last=last)
    ws["A4"] = t(
        "rep.closed",
        "zh",
        closed=report.closed_at.strftime("%Y-%m-%d %H:%M"),
        generated=report.generated_at.strftime("%Y-%m-%d %H:%M"),
    )
    ws["A5"] = t("rep.source")
    row = 7
    ws.cell(row, 1, t("rep.headline")).font = BOLD
    row += 1
    _header(ws, row, [t("rep.col.indicator"), t("rep.col.value"), t("rep.col.definition")])
    figures = report.totals_figures
    for ind in words.indicators_of("area"):
        row += 1
        _put(ws, row, 1, ind.name)
        _put(ws, row, 2, *_number(figures.value(ind.key), ind.key))
        _put(ws, row, 3, words.definition(ind))
    row += 2
    if report.own is not None:
        ws.cell(row, 1, _own_place(report)).font = BOLD
        row += 2
    ws.cell(row, 1, t("rep.flags")).font = BOLD
    for ranking in report.rankings:
        row += 1
        red = [r.name for r in ranking.rows if r.flag == "red"]
        black = [r.name for r in ranking.rows if r.flag == "black"]
        what = words.level(ranking.grouping)
        ws.cell(row, 1, what)
        ws.cell(row, 2, t("rep.red_list", names="、".join(red) or t("rep.none")))
        ws.cell(row, 3, t("rep.black_list", names="、".join(black) or t("rep.none")))
    row += 2
    ws.cell(row, 1, t("rep.warnings")).font = BOLD
    found = report.warnings()
    for r in found:
        row += 1
        ws.cell(row, 1, t("rep.warning_row", name=r.name, warning=words.warning(r))).font = FLAG_FONTS["black"]
    if not found:
        ws.cell(row + 1, 1, t("rep.no_warnings"))
    _widths(ws, [26, 40, 50])


def _own_place(report: Report) -> str:
    own = report.own
    ranking_size = None
    for ranking in report.rankings:
        if ranking.grouping == report.subject.grouping:
            ranking_size = len(ranking.rows)
    if own.score is None:
        return t("rep.own_none")
    flag = words.flag(own.flag)
    return t(
        "rep.own_place",
        what=words.level(report.subject.grouping),
        rank=own.rank,
        n=ranking_size or "—",
        score=words.score(own.score),
        flag=f"，{flag}" if flag else "",
    )


def _ranking_sheet(ws, ranking: Ranking) -> None:
    post = ranking.grouping == "post"
    keys = POST_RANK_KEYS if post else RANK_KEYS
    ws.cell(1, 1, t("rep.ranking", what=words.level(ranking.grouping))).font = TITLE_FONT
    ws.cell(2, 1, f"{t('rep.col.scheme')}：{words.scheme_name(ranking.scheme)}")
    if ranking.scheme is not None:
        ws.cell(3, 1, words.flag_rule(ranking.scheme))
    labels = [
        t("rep.col.rank"),
        t("rep.col.code"),
        t("rep.col.name"),
        t("rep.col.parent"),
        t("rep.col.score"),
        t("rep.col.flag"),
        t("rep.col.warning"),
        *(BY_KEY[k].name for k in keys),
    ]
    _header(ws, 5, labels)
    for i, r in enumerate(ranking.rows, 6):
        _row(ws, i, r, keys)
    ws.freeze_panes = "D6"
    _widths(ws, [7, 14, 18, 16, 9, 8, 14, *([11] * len(keys))])
    if ranking.rows:
        ws.auto_filter.ref = f"A5:{get_column_letter(len(labels))}{5 + len(ranking.rows)}"


def _row(ws, i: int, r: Row, keys: tuple[str, ...]) -> None:
    cells = [
        _put(ws, i, 1, *_number(r.rank if r.score is not None else None)),
        _put(ws, i, 2, r.code),
        _put(ws, i, 3, r.name),
        _put(ws, i, 4, r.parent),
        _put(ws, i, 5, *_number(r.score)),
        _put(ws, i, 6, words.flag(r.flag)),
        _put(ws, i, 7, words.warning(r)),
    ]
    for j, k in enumerate(keys, 8):
        cells.append(_put(ws, i, j, *_number(r.value(k), k)))
    if r.flag in FLAG_FILLS:
        cells[5].fill, cells[5].font = FLAG_FILLS[r.flag], FLAG_FONTS[r.flag]
    if r.run >= 2:
        cells[6].font = FLAG_FONTS["black"]
    if r.mine:
        for c in cells[:5]:
            c.fill = MINE_FILL


def _indicator_sheet(ws, report: Report) -> None:
    inds = words.indicators_of("area")
    labels = [t("rep.col.kind"), t("rep.col.code"), t("rep.col.name"), *(i.name for i in inds)]
    _header(ws, 1, labels)
    row = 1
    own = Row(report.subject.key, report.subject.key, report.subject.name, report.totals, None, None, None, None)
    lines = [(words.level(report.subject.grouping or None), own)]
    for ranking in report.rankings:
        if ranking.grouping != "post":
            lines += [
                (words.level(ranking.grouping), r)
                for r in ranking.rows
                if r.key != str(report.subject.id) or ranking.grouping != report.subject.grouping
            ]
    for what, r in lines:
        row += 1
        _put(ws, row, 1, what)
        _put(ws, row, 2, r.code)
        _put(ws, row, 3, r.name)
        for j, ind in enumerate(inds, 4):
            _put(ws, row, j, *_number(r.value(ind.key), ind.key))
    ws.freeze_panes = "D2"
    _widths(ws, [8, 14, 18, *([10] * len(inds))])


def _trend_sheet(ws, report: Report) -> None:
    tr = report.trend
    keys = ("due", "closed", "closure_rate", "on_time_rate", "rework_rate", "satisfaction_rate")
    labels = [t("rep.col.month"), t("rep.col.score"), t("rep.col.rank"), *(BY_KEY[k].name for k in keys)]
    ws.cell(1, 1, f"{report.subject.name} · {t('rep.trend', n=len(tr.months))}").font = BOLD
    _header(ws, 2, labels)
    row = 2
    for m, counts, sc, rk in zip(tr.months, tr.own_counts, tr.own_scores, tr.own_ranks, strict=True):
        row += 1
        _put(ws, row, 1, m)
        _put(ws, row, 2, *_number(sc))
        _put(ws, row, 3, *_number(rk))
        own = Row("", "", "", counts or {}, None, None, None, None)
        for j, k in enumerate(keys, 4):
            _put(ws, row, j, *_number(own.value(k) if counts else None, k))
    if tr.grouping and tr.names:
        row += 2
        ws.cell(row, 1, t("rep.trend_scores", what=words.level(tr.grouping))).font = BOLD
        row += 1
        _header(ws, row, [t("rep.col.name"), *tr.months])
        for key, name in tr.names.items():
            row += 1
            _put(ws, row, 1, name)
            for j, (sc, fl) in enumerate(zip(tr.scores[key], tr.flags[key], strict=True), 2):
                cell = _put(ws, row, j, *_number(sc))
                if fl in FLAG_FILLS:
                    cell.fill, cell.font = FLAG_FILLS[fl], FLAG_FONTS[fl]
    _widths(ws, [18, *([11] * max(len(keys) + 2, len(tr.months)))])


def _formula_sheet(ws, report: Report) -> None:
    _header(
        ws,
        1,
        [t("rep.col.indicator"), t("rep.col.key"), t("rep.col.kind"), t("rep.col.definition"), t("rep.col.source")],
    )
    row = 1
    applies = ["area"] + (["post"] if any(r.grouping == "post" for r in report.rankings) else [])
    for what in applies:
        for ind in words.indicators_of(what):
            row += 1
            _put(ws, row, 1, ind.name)
            _put(ws, row, 2, ind.key)
            _put(ws, row, 3, t("rep.rate") if ind.kind == "rate" else t("rep.count"))
            _put(ws, row, 4, words.definition(ind))
            _put(ws, row, 5, ind.source)
    for scheme in report.schemes:
        row += 2
        ws.cell(row, 1, f"{t('rep.col.scheme')}：{words.scheme_name(scheme)}").font = BOLD
        row += 1
        ws.cell(row, 1, t("rep.col.rule"))
        ws.cell(row, 2, words.flag_rule(scheme))
        if scheme.source:
            row += 1
            ws.cell(row, 1, t("rep.col.source"))
            ws.cell(row, 2, scheme.source)
        row += 1
        _header(ws, row, [t("rep.col.item"), t("rep.col.form")])
        for name, rule in words.scheme_items(scheme):
            row += 1
            _put(ws, row, 1, name)
            _put(ws, row, 2, rule)
    row += 2
    ws.cell(row, 1, t("rep.rank_note"))
    _widths(ws, [16, 40, 8, 44, 60])
    for r in ws.iter_rows(min_row=2, max_row=row):
        for c in r:
            c.alignment = Alignment(wrap_text=True, vertical="top")


def build(report: Report) -> bytes:
    """The workbook's bytes."""
    wb = Workbook()
    taken: set[str] = set()
    ws = wb.active
    ws.title = _sheet_name(t("rep.sheet.summary"), taken)
    _summary(ws, report)
    for ranking in report.rankings:
        _ranking_sheet(
            wb.create_sheet(_sheet_name(t("rep.ranking", what=words.level(ranking.grouping)), taken)), ranking
        )
    _indicator_sheet(wb.create_sheet(_sheet_name(t("rep.sheet.indicators"), taken)), report)
    _trend_sheet(wb.create_sheet(_sheet_name(t("rep.sheet.trend"), taken)), report)
    _formula_sheet(wb.create_sheet(_sheet_name(t("rep.sheet.formulas"), taken)), report)
    wb.properties.title = words.title(report)
    wb.properties.creator = "GridOps"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
