"""Loading inspection results kept in spreadsheets (geodata/load/inspections.py): why a row or the
file was refused, and the summary. Values are shown as the file wrote them (``!r``: quoted)."""

from __future__ import annotations

LOAD_INSPECTIONS: dict[str, tuple[str, str]] = {
    # ---- the fields of the file (geodata/load/fields.py)
    "load.field.checkpoint": ("点位编号", "checkpoint"),
    "load.field.element": ("要素", "element"),
    "load.field.result": ("结果", "result"),
    "load.field.inspected_at": ("排查时间", "inspected at"),
    "load.field.inspector": ("排查人", "inspector"),
    "load.field.note": ("说明", "note"),
    "load.err.kind.inspections": ("排查结果", "inspections"),
    "load.err.sheet_no_rows": ("{name} 的工作表是空的", "{name}: the worksheet is empty"),
    # ---- why a row was refused
    "load.insp.no_checkpoint": ("缺少点位编号", "no checkpoint code"),
    "load.insp.unknown_checkpoint": ("点位编号 {code!r} 不存在", "no checkpoint has the code {code!r}"),
    "load.insp.bad_time": (
        "排查时间 {value!r} 无法识别：请写成 2026-11-18 或 2026-11-18 09:30",
        "unreadable inspection time {value!r}: write it as 2026-11-18 or 2026-11-18 09:30",
    ),
    "load.insp.future_time": ("排查时间 {value!r} 晚于现在", "inspection time {value!r} is in the future"),
    "load.insp.long_inspector": ("排查人超过 {limit} 个字", "inspector longer than {limit} characters"),
    "load.insp.long_note": ("说明超过 {limit} 个字", "note longer than {limit} characters"),
    "load.insp.no_element": ("缺少要素", "no element"),
    "load.insp.unknown_element": (
        "{value!r} 不是 {type} 类点位的要素；其要素：{known}",
        "{value!r} is not an element of a {type} checkpoint; its elements: {known}",
    ),
    "load.insp.device_element": (
        "要素 {value!r} 由设备判定（附近摄像头是否在线），不能从表格导入：请删去此列或此行",
        "element {value!r} is judged by devices (whether a camera nearby is online), not loaded from files: "
        "remove that column or row",
    ),
    "load.insp.no_result": ("缺少结果", "no result"),
    "load.insp.bad_result": (
        "{column!r} 列的结果 {value!r} 无法识别：请写 达标/不达标、合格/不合格、是/否、1/0、√/×",
        "unreadable result {value!r} in {column!r}: write pass/fail, true/false, 1/0, √/× (or the Chinese words)",
    ),
    "load.insp.conflict": (
        "要素 {element} 的结果与同一次排查的第 {first} 行矛盾",
        "element {element} contradicts row {first} of the same inspection",
    ),
    "load.insp.nothing_judged": ("这次排查没有判定任何要素", "no element judged in this inspection"),
    # ---- why the file was refused
    "load.insp.err.old_xls": (
        "{name} 是旧版 Excel（.xls）：请另存为 .xlsx 或 CSV",
        "{name} is an old Excel workbook (.xls): save it as .xlsx or CSV",
    ),
    "load.insp.err.xlsx_parts": (
        "{name} 含有 {parts:,} 个部件，超过上限 {limit:,}：疑似伪造的工作簿，已拒绝",
        "{name} holds {parts:,} parts, over the limit of {limit:,}: refused as a possible forged workbook",
    ),
    "load.insp.err.no_checkpoint_column": (
        "{name} 没有点位编号列：请将列命名为“点位编号”，或使用 --map checkpoint=列名",
        "{name} has no checkpoint column: name it checkpoint (or its Chinese name), or use --map checkpoint=COLUMN",
    ),
    "load.insp.err.half_long": (
        "有 {column!r} 列却缺少{lacks}列：长表需要要素和结果两列（宽表则每个要素一列）",
        "a {column!r} column but no {lacks} column: the long layout needs both an element and a result column "
        "(the wide layout one column per element)",
    ),
    "load.insp.err.no_element_columns": (
        "没有要素列：宽表每个要素一列，以要素编码或名称为列名（如 公益广告）；长表需要要素和结果两列。"
        "现有列：{columns}",
        "no element column: the wide layout has one column per element, headed by its code or name (e.g. ads); "
        "the long layout an element and a result column. Columns: {columns}",
    ),
    "load.insp.err.results_without_element": (
        "{column!r} 列写有结果，但不是任何要素的编码或名称：请改为要素名称，或删去此列",
        "column {column!r} holds results but names no element by its code or name: rename it or remove it",
    ),
    "load.insp.err.concurrent": (
        "另一次导入正在记录相同的排查：未写入任何内容；请稍后重新导入（已记录的会计为重复）",
        "another load is recording the same inspections: nothing was written; load the file again shortly "
        "(what was recorded counts as repeats)",
    ),
    "load.insp.err.not_recorded": (
        "第 {rows} 行的排查无法记录（{detail}）：未写入任何内容",
        "the inspection of rows {rows} could not be recorded ({detail}): nothing was written",
    ),
    # ---- the summary
    "load.insp.layout.long": ("长表：每行一个要素", "long layout: one row per element"),
    "load.insp.layout.wide": ("宽表：每行一次排查", "wide layout: one row per inspection"),
    "load.insp.layout.none": ("版式未定", "layout unknown"),
    "load.insp.summary": (
        "{file}（{layout}）：读取 {read} 行；记录排查 {recorded} 次，重复 {repeats} 次（此前已记录），"
        "要素结果 {elements} 项，不达标 {failures} 项 → 新开整改案件 {opened} 件（并入在办整改 {joined} 件），"
        "拒绝 {refused} 行",
        "{file} ({layout}): {read} rows read; {recorded} inspections recorded, {repeats} repeats (recorded "
        "before), {elements} element results, {failures} failures → {opened} rectification cases opened "
        "({joined} joined open ones), {refused} rows refused",
    ),
    "load.insp.dry_run": ("试运行，未写入：", "dry run, nothing written: "),
    "load.insp.refused": ("有 {count} 行被拒绝，整个文件未写入：", "{count} rows refused, nothing written: "),
    "load.insp.row": ("第 {row} 行", "row {row}"),
    "load.insp.note.no_time": (
        "文件没有排查时间列：各次排查记为导入时刻，重复导入按结果识别",
        "the file has no inspection time column: inspections are recorded as of the load, and a repeat is "
        "known by its results",
    ),
}
