"""UI strings: Chinese first, English available (``?lang=en``)."""

from __future__ import annotations

LANGS = ("zh", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("网格治理一张图", "Grid governance one map"),
    "app.district": ("郑州经开区", "Zhengzhou ETDZ"),
    "nav.onemap": ("一张图", "One map"),
    "nav.drill": ("逐级下钻", "Drill-down"),
    "nav.wall": ("城运大屏", "Wall display"),
    "map.layers": ("图层", "Layers"),
    "map.legend": ("图例", "Legend"),
    "map.updated": ("数据更新于", "Data as of"),
    "map.stale": ("数据更新中断 — 最后更新", "Data feed interrupted — last update"),
    "map.loading": ("正在加载地图…", "Loading map…"),
    "hover.open": ("在办案件", "Open cases"),
    "hover.overdue": ("超期", "Overdue"),
    "hover.community": ("所属社区", "Community"),
    "hover.street": ("所属办事处", "Street office"),
    "hover.status": ("状态", "Status"),
    "hover.compliance": ("要素达标率", "Compliance"),
    "hover.failing": ("未达标要素", "Failing elements"),
    "hover.inspected": ("最近检查", "Last inspected"),
    "hover.grid": ("所在网格", "Grid"),
    "camera.online": ("在线", "Online"),
    "camera.offline": ("离线", "Offline"),
    "none": ("无", "none"),
    # Wall display
    "wall.title": ("城运中心 网格治理态势", "Operations centre: grid governance"),
    "wall.newly_overdue": ("新超期", "Newly overdue"),
    "wall.ranking": ("办事处综合排名", "Street-office ranking"),
    "wall.ranking.children": ("下级单元综合排名", "Ranking of sub-units"),
    "wall.score": ("综合得分", "Score"),
    "wall.red": ("红旗", "Red flag"),
    "wall.black": ("黑旗", "Black flag"),
    "wall.latest": ("最新诉求", "Latest cases"),
    "wall.urgent": ("紧急督办", "Most urgent"),
    "wall.age": ("已历时", "Age"),
    "wall.overdue_by": ("超期", "Overdue by"),
    "wall.due_in": ("剩余", "Due in"),
    "wall.data_time": ("数据时间", "Data as of"),
    "wall.panel_failed": ("本面板数据暂不可用，显示上次结果", "Panel data unavailable; showing the last result"),
    "wall.scope": ("范围", "Scope"),
    "wall.hours": ("小时", "h"),
    "wall.minutes": ("分钟", "min"),
    "wall.days": ("天", "d"),
    "wall.no_cases": ("暂无", "None"),
    "case.title": ("案件详情", "Case"),
    "case.missing": ("案件不存在", "No such case"),
    "case.missing_hint": ("请检查链接中的案件编号。", "Check the case number in the link."),
    "case.back": ("返回一张图", "Back to the map"),
    "case.timeline": ("办理过程", "Timeline"),
    "case.category": ("类别", "Category"),
    "case.status": ("状态", "Status"),
    "case.source": ("来源", "Source"),
    "case.place": ("位置", "Place"),
    "case.department": ("承办部门", "Department"),
    "case.reported": ("受理时间", "Reported"),
    "case.deadline": ("办理时限", "Deadline"),
    "case.overdue": ("已超期", "Overdue"),
    "case.reply": ("办理答复", "Reply"),
    "case.satisfaction": ("满意度", "Satisfaction"),
    "case.online": ("网上办理", "Handled online"),
    "case.description": ("诉求内容", "Description"),
    "case.grid_manager": ("网格员", "Grid worker"),
    "case.external": ("来源编号", "External id"),
    "case.merged_into": ("已合并至", "Merged into"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "wall.bad_unit": ("未知单元代码，已显示全区", "Unknown unit code; showing the whole district"),
}


def t(key: str, lang: str = "zh") -> str:
    """The string for ``key`` in ``lang`` (falls back to Chinese)."""
    zh, en = STRINGS[key]
    return en if lang == "en" else zh


def pick(lang: str) -> str:
    """A supported language code, defaulting to Chinese."""
    return lang if lang in LANGS else "zh"
