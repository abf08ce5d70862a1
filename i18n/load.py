"""Why a load refused or repaired a row. Values are shown as the loader found them (``!r``: quoted),
so a stray space is visible."""

from __future__ import annotations

LOAD: dict[str, tuple[str, str]] = {
    "load.no_code": ("缺少编码", "no code"),
    "load.bad_code": (
        "编码 {code!r} 不合规：须为 1–40 位字母、数字、_ 或 -",
        "code {code!r} must be 1–40 letters, digits, _ or -",
    ),
    "load.no_name": ("缺少名称", "no name"),
    "load.long_name": ("名称超过 100 个字", "name longer than 100 characters"),
    "load.repeats": ("{what} {value!r} 与第 {first} 行重复", "{what} {value!r} repeats row {first}"),
    "load.unknown_unit_kind": (
        "未知的{level}类型 {value!r}；可用：{known}",
        "unknown {level} kind {value!r}; use {known}",
    ),
    "load.no_parent_code": (
        "上级编码 {value!r} 在库中不是{above}",
        "parent code {value!r} is not a {above} in the database",
    ),
    "load.no_parent": (
        "没有{above}包含此单元：请先导入{above}，或提供上级编码列",
        "no {above} contains this unit; load its {above} first or give a parent code column",
    ),
    "load.unknown_camera_kind": (
        "未知的摄像头类型 {value!r}；可用：bullet、dome、ai、panorama",
        "unknown camera kind {value!r}; use bullet, dome, ai or panorama",
    ),
    "load.unknown_camera_status": (
        "未知的摄像头状态 {value!r}；可用：online（在线）、offline（离线）",
        "unknown camera status {value!r}; use online or offline",
    ),
    "load.bad_seen_time": ("{column!r} 列的时间无法识别", "unreadable time in {column!r}"),
    "load.bad_view_range": ("视距须大于 0 米", "view range must be more than 0 m"),
    "load.unknown_checkpoint_type": (
        "未知的点位类型 {value!r}；可用：{known}",
        "unknown checkpoint type {value!r}; known: {known}",
    ),
    "load.no_external_id": ("缺少工单编号", "no external id"),
    "load.bad_reported_time": (
        "{column!r} 列的时间 {value!r} 无法识别或缺失",
        "unreadable or missing time {value!r} in {column!r}",
    ),
    "load.unknown_status": (
        "状态 {value!r} 不在状态对照表中；请用 --status-map 文件补充",
        "status {value!r} is not in the status map; add it with --status-map FILE",
    ),
    "load.bad_step_time": ("{column!r} 列的时间 {value!r} 无法识别", "unreadable time {value!r} in {column!r}"),
    "load.step_before_report": ("{step}时间早于上报时间", "{step} before it was reported"),
    "load.accepted_before_dispatch": ("签收时间早于派单时间", "accepted before it was dispatched"),
    "load.no_coordinates": ("缺少坐标", "no coordinates"),
    "load.not_degrees": (
        "转换后坐标不是经纬度；请用 --crs EPSG:NNNN 声明文件的投影",
        "coordinates are not longitude/latitude degrees after conversion; declare the file's projection "
        "with --crs EPSG:NNNN",
    ),
    "load.no_geometry": ("缺少几何图形", "no geometry"),
    "load.not_point": ("几何类型 {kind} 有误：应为点", "wrong geometry type {kind}: expected a point"),
    "load.not_polygon": ("几何类型 {kind} 有误：单元须为面", "wrong geometry type {kind}: units need polygons"),
    "load.invalid_geometry": (
        "几何图形无效（{detail}）；请修正，或加 --repair 导入",
        "invalid geometry ({detail}); fix it, or load with --repair",
    ),
    "load.unrepairable": (
        "几何图形无效（{detail}），修复后也不是面",
        "invalid geometry ({detail}) that no repair turns into a polygon",
    ),
    "load.repaired": ("已修复：{detail}", "made valid: {detail}"),
    "load.outside": (
        "位于辖区之外（没有顶级单元包含该点）；请检查坐标及其坐标系（--crs）",
        "outside the territory (no top-level unit contains the point); check the coordinates and their frame (--crs)",
    ),
    # the values the sentences above name: what repeats, a unit level, a step of the loop
    "load.name.code": ("编码", "code"),
    "load.name.external_id": ("工单编号", "external id"),
    "load.name.district": ("区", "district"),
    "load.name.street": ("街道办事处", "street"),
    "load.name.community": ("社区", "community"),
    "load.name.grid": ("网格", "grid"),
    "load.name.dispatched": ("派单", "dispatched"),
    "load.name.accepted": ("签收", "accepted"),
    "load.name.resolved": ("办结", "resolved"),
    "load.name.rated": ("评价", "rated"),
    "load.name.closed": ("结案", "closed"),
}
