"""Why a load refused or repaired a row, in Chinese and English.

A ``Reason`` is a ``geodata.said.Said``: the English text (what the command line, the report CSV and
a script read) that also knows its Chinese, for the upload page and the rejected-rows download.
Values are shown as the loader found them (``!r``: quoted), so a stray space is visible.
"""

from __future__ import annotations

from typing import Any

from geodata.said import Said, say

# key: (Chinese, English); str.format fields are the reason's values.
TEMPLATES: dict[str, tuple[str, str]] = {
    "no_code": ("缺少编码", "no code"),
    "bad_code": (
        "编码 {code!r} 不合规：须为 1–40 位字母、数字、_ 或 -",
        "code {code!r} must be 1–40 letters, digits, _ or -",
    ),
    "no_name": ("缺少名称", "no name"),
    "long_name": ("名称超过 100 个字", "name longer than 100 characters"),
    "repeats": ("{what_zh} {value!r} 与第 {first} 行重复", "{what} {value!r} repeats row {first}"),
    "unknown_unit_kind": (
        "未知的{level_zh}类型 {value!r}；可用：{known}",
        "unknown {level} kind {value!r}; use {known}",
    ),
    "no_parent_code": (
        "上级编码 {value!r} 在库中不是{above_zh}",
        "parent code {value!r} is not a {above} in the database",
    ),
    "no_parent": (
        "没有{above_zh}包含此单元：请先导入{above_zh}，或提供上级编码列",
        "no {above} contains this unit; load its {above} first or give a parent code column",
    ),
    "unknown_camera_kind": (
        "未知的摄像头类型 {value!r}；可用：bullet、dome、ai、panorama",
        "unknown camera kind {value!r}; use bullet, dome, ai or panorama",
    ),
    "unknown_camera_status": (
        "未知的摄像头状态 {value!r}；可用：online（在线）、offline（离线）",
        "unknown camera status {value!r}; use online or offline",
    ),
    "bad_seen_time": ("{column!r} 列的时间无法识别", "unreadable time in {column!r}"),
    "bad_view_range": ("视距须大于 0 米", "view range must be more than 0 m"),
    "unknown_checkpoint_type": (
        "未知的点位类型 {value!r}；可用：{known}",
        "unknown checkpoint type {value!r}; known: {known}",
    ),
    "no_external_id": ("缺少工单编号", "no external id"),
    "bad_reported_time": (
        "{column!r} 列的时间 {value!r} 无法识别或缺失",
        "unreadable or missing time {value!r} in {column!r}",
    ),
    "unknown_status": (
        "状态 {value!r} 不在状态对照表中；请用 --status-map 文件补充",
        "status {value!r} is not in the status map; add it with --status-map FILE",
    ),
    "bad_step_time": ("{column!r} 列的时间 {value!r} 无法识别", "unreadable time {value!r} in {column!r}"),
    "step_before_report": ("{step_zh}时间早于上报时间", "{step} before it was reported"),
    "accepted_before_dispatch": ("签收时间早于派单时间", "accepted before it was dispatched"),
    "no_coordinates": ("缺少坐标", "no coordinates"),
    "not_degrees": (
        "转换后坐标不是经纬度；请用 --crs EPSG:NNNN 声明文件的投影",
        "coordinates are not longitude/latitude degrees after conversion; declare the file's projection "
        "with --crs EPSG:NNNN",
    ),
    "no_geometry": ("缺少几何图形", "no geometry"),
    "not_point": ("几何类型 {kind} 有误：应为点", "wrong geometry type {kind}: expected a point"),
    "not_polygon": ("几何类型 {kind} 有误：单元须为面", "wrong geometry type {kind}: units need polygons"),
    "invalid_geometry": (
        "几何图形无效（{detail}）；请修正，或加 --repair 导入",
        "invalid geometry ({detail}); fix it, or load with --repair",
    ),
    "unrepairable": (
        "几何图形无效（{detail}），修复后也不是面",
        "invalid geometry ({detail}) that no repair turns into a polygon",
    ),
    "repaired": ("已修复：{detail}", "made valid: {detail}"),
    "outside": (
        "位于辖区之外（没有顶级单元包含该点）；请检查坐标及其坐标系（--crs）",
        "outside the territory (no top-level unit contains the point); check the coordinates and their frame (--crs)",
    ),
}
# Chinese names of the values the templates above name in English.
NAMES_ZH = {
    "code": "编码",
    "external id": "工单编号",
    "district": "区",
    "street": "街道办事处",
    "community": "社区",
    "grid": "网格",
    "dispatched": "派单",
    "accepted": "签收",
    "resolved": "办结",
    "rated": "评价",
    "closed": "结案",
}


class Reason(Said):
    """One reason, keeping its key and values (``text`` says it in either language)."""

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, **values: Any) -> Reason:
        for name in ("what", "level", "above", "step"):
            if name in values:
                values[f"{name}_zh"] = NAMES_ZH.get(str(values[name]), str(values[name]))
        zh, en = TEMPLATES[key]
        text = super().__new__(cls, zh.format(**values), en.format(**values))
        text.key, text.values = key, values
        return text

    def text(self, lang: str = "zh") -> str:
        """The reason in ``lang`` ("zh" or "en")."""
        return say(self, lang)
