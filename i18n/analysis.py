"""What is wrong with a workbench query (a URL, an API call or the page's filters), and the fix."""

from __future__ import annotations

ANALYSIS: dict[str, tuple[str, str]] = {
    "an.err.not_a": ("{raw!r} 不是{what}", "{raw!r} is not {what}"),
    "an.err.out_of_range": (
        "{raw!r} 超出范围：{what}应在 {low:g} 到 {high:g} 之间",
        "{raw!r} is out of range: give {what} from {low:g} to {high:g}",
    ),
    "an.err.not_pair": ("{raw!r} 不是“经度 纬度”坐标对", "{raw!r} is not a 'lon lat' pair"),
    "an.err.unknown_layer": ("未知图层 {bad}；可用：{known}", "unknown layer {bad}; known: {known}"),
    "an.err.not_code": (
        "{raw!r} 不是编码（字母、数字、_、.、-）",
        "{raw!r} is not a code (letters, digits, '_', '.', '-')",
    ),
    "an.err.unknown_value": ("未知取值 {bad}；可用：{known}", "unknown value {bad}; known: {known}"),
    "an.err.not_date": ("{raw!r} 不是日期：请写成 YYYY-MM-DD", "{raw!r} is not a date: write YYYY-MM-DD"),
    "an.err.date_range": ("日期须在 {first} 与 {last} 之间", "the date must lie between {first} and {last}"),
    "an.err.not_flag": ("{raw!r} 不是开关值：请写 1 或 0", "{raw!r} is not a flag: write 1 or 0"),
    "an.err.too_many_ids": ("最多 {most} 个编号，收到 {got} 个", "at most {most} ids, got {got}"),
    "an.err.not_direction": ("{raw!r}：请写 asc（升序）或 desc（降序）", "{raw!r}: write asc or desc"),
    "an.err.not_box": (
        "{raw!r}：请写成 最小经度,最小纬度,最大经度,最大纬度",
        "{raw!r}: write min_lon,min_lat,max_lon,max_lat",
    ),
    "an.err.box_order": (
        "框选范围的最小值须小于最大值（最小经度,最小纬度,最大经度,最大纬度）",
        "the box's minimum must be below its maximum (min_lon,min_lat,max_lon,max_lat)",
    ),
    "an.err.lasso_vertices": (
        "套索需要 3 到 {most} 个以“;”分隔的“经度 纬度”顶点",
        "a lasso needs 3 to {most} 'lon lat' vertices separated by ';'",
    ),
    "an.err.unknown_param": ("未知参数；可用：{known}", "unknown parameter; known: {known}"),
    "an.err.bad_sort": (
        "{layer} 不能按 {sort!r} 排序；可用：{known}",
        "cannot sort {layer} by {sort!r}; sort by one of {known}",
    ),
    "an.err.page_size": ("每页 {low} 到 {high} 行", "a page holds {low} to {high} rows"),
    "an.err.until_before_since": ("结束日期须不早于开始日期", "must be on or after cases.since"),
    "an.err.near_which": (
        "请指定哪些点位：选择点位类型，或在地图上点击点位",
        "say which checkpoints: cases.near_type (types) or cases.near_ids (ids)",
    ),
    "an.err.lasso_area": ("套索没有围出面积", "the lasso encloses no area"),
    # what a number should be (the {what} above)
    "an.what.metres": ("整数米", "whole metres"),
    "an.what.percent": ("百分比", "a percentage"),
    "an.what.count": ("整数", "a whole number"),
    "an.what.id": ("编号", "an id"),
    "an.what.lon": ("经度", "a longitude"),
    "an.what.lat": ("纬度", "a latitude"),
}
