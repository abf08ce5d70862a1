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
    # Notes: what a load decided on its own, said after the counts
    "load.note.level_from_column": ("层级 {level} 取自列 {column!r}", "level {level} taken from column {column!r}"),
    "load.note.no_column_default": ("没有 {field} 列：按 {default} 载入", "no {field} column: loaded as {default}"),
    "load.note.unknown_department": (
        "{n} 行的部门不在部门表中（如 {example!r}）：载入时不设部门",
        "{n} rows name a department we do not know (e.g. {example!r}): loaded without a department",
    ),
    "load.note.date_only": (
        "{n} 个 {step} 时间只有日期、且在上报当天：按当天结束（23:59:59）读取",
        "{n} {step} values are a date without a time on the day of the report: read as the end of that day",
    ),
    "load.note.no_status_column": (
        "文件没有状态列：新案件取其最后一个有时间的环节为状态（{counts}）；已有案件保持原状态",
        "no status column: new cases take the status of their last step with a time ({counts}); "
        "cases already loaded keep their status",
    ),
    "load.note.bulk": (
        "批量模式：导入期间案件表锁定，索引、约束与统计已重建",
        "bulk mode: the case table was locked for the load; its indexes, keys and counts were rebuilt",
    ),
    "load.note.backward_held": (
        "{n} 个状态变化会使案件在办理流程中倒退，未执行，案件保持原状态"
        "（勾选“允许状态倒退”或 --allow-backward 可执行）；如 {first}",
        "{n} status changes move cases backwards in the case loop, not applied: the cases keep their status "
        "(--allow-backward applies them); e.g. {first}",
    ),
    "load.note.backward_applied": (
        "{n} 个状态变化使案件在办理流程中倒退，已按要求执行；如 {first}",
        "{n} status changes move cases backwards in the case loop, applied; e.g. {first}",
    ),
    "load.note.foreign_categories": (
        "{n} 行的类别与我们的类别都不匹配（{examples}）：归入 {code} {name}；"
        "可用 --category 指定其他类别，或用类别对应表映射",
        "{n} rows have categories that match none of ours ({examples}): filed under {code} {name}; choose "
        "another with --category CODE, or map them with --category-map FILE",
    ),
    "load.note.no_category_column": (
        "文件没有类别列：案件归入 {code} {name}",
        "no category column: cases filed under {code} {name}",
    ),
    # Our fields, as the report names the column it took for each
    "load.field.accepted_at": ("签收时间", "accepted at"),
    "load.field.address": ("地址", "address"),
    "load.field.category": ("类别", "category"),
    "load.field.closed_at": ("结案时间", "closed at"),
    "load.field.code": ("编码", "code"),
    "load.field.deadline_at": ("办理时限", "deadline"),
    "load.field.department": ("承办部门", "department"),
    "load.field.description": ("诉求内容", "description"),
    "load.field.dispatched_at": ("派单时间", "dispatched at"),
    "load.field.external_id": ("工单编号", "external id"),
    "load.field.geometry": ("几何", "geometry"),
    "load.field.handled_online": ("网上办理", "handled online"),
    "load.field.households": ("户数", "households"),
    "load.field.kind": ("类型", "kind"),
    "load.field.last_seen_at": ("最后在线时间", "last seen"),
    "load.field.lat": ("纬度", "latitude"),
    "load.field.level": ("层级", "level"),
    "load.field.lon": ("经度", "longitude"),
    "load.field.manager": ("负责人", "manager"),
    "load.field.name": ("名称", "name"),
    "load.field.parent_code": ("上级编码", "parent code"),
    "load.field.phone": ("电话", "phone"),
    "load.field.population": ("人口", "population"),
    "load.field.reply": ("办理答复", "reply"),
    "load.field.reported_at": ("受理时间", "reported at"),
    "load.field.resolved_at": ("办结时间", "resolved at"),
    "load.field.satisfaction": ("满意度", "satisfaction"),
    "load.field.status": ("状态", "status"),
    "load.field.type": ("点位类型", "type"),
    "load.field.view_range_m": ("视距（米）", "view range (m)"),
    # the values the sentences above name: what repeats, a unit level, a step of the loop
    "load.name.code": ("编码", "code"),
    "load.name.external_id": ("工单编号", "external id"),
    "load.name.city": ("市", "city"),
    "load.name.district": ("区", "district"),
    "load.name.street": ("街道办事处", "street"),
    "load.name.community": ("社区", "community"),
    "load.name.grid": ("网格", "grid"),
    "load.name.micro": ("微网格", "micro-grid"),
    "load.name.dispatched": ("派单", "dispatched"),
    "load.name.accepted": ("签收", "accepted"),
    "load.name.resolved": ("办结", "resolved"),
    "load.name.rated": ("评价", "rated"),
    "load.name.closed": ("结案", "closed"),
}
