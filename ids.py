"""Component ids: the contract between pages (layout) and callbacks (behaviour)."""

LANG = "lang"

# One-map page
MAP = "onemap-map"
MAP_STATE = "onemap-state"
MAP_TICK = "onemap-tick"
MAP_STATUS = "onemap-status"
LAYER_TOGGLES = "onemap-layer-toggles"

# Wall display (城运中心大屏)
WALL_CONFIG = "wall-config"  # scope code, playlist, language (set once by the layout)
WALL_SCOPE = "wall-scope"  # the unit code on screen now (rotation moves it)
WALL_SCREEN = "wall-screen"  # the browser window width, so map type scales with the wall
WALL_STATE = "wall-state"  # versions, minute, last good update, colour classes
WALL_TICK = "wall-tick"
WALL_ROTATE = "wall-rotate"
WALL_CLOCK_TICK = "wall-clock-tick"
WALL_CLOCK = "wall-clock"
WALL_DATA_TIME = "wall-data-time"
WALL_BANNER = "wall-banner"
WALL_SCOPE_NAME = "wall-scope-name"
WALL_KPIS = "wall-kpis"
WALL_MAP = "wall-map"
WALL_LEGEND = "wall-legend"
WALL_RANKING = "wall-ranking"
WALL_URGENT = "wall-urgent"
WALL_TICKER = "wall-ticker"
WALL_PANEL_NOTE = "wall-note"  # + "-" + panel key: a per-panel "degraded" note

# Case view
CASE_REF = "case-ref"  # the case id from the URL, and the language
CASE_BODY = "case-body"

# Drill-down page
UNIT_STATE = "unit-state"
UNIT_TICK = "unit-tick"
UNIT_STATUS = "unit-status"
UNIT_NAV = "unit-nav"  # a Location: its href holds the unit (/unit/<code>); clicks push new ones
UNIT_MISSING = "unit-missing"
UNIT_VIEW = "unit-view"  # its class names the level (level-street …) or marks a missing unit
UNIT_CRUMBS = "unit-crumbs"
UNIT_MAP = "unit-map"
UNIT_LEGEND = "unit-legend"
UNIT_KPIS = "unit-kpis"
UNIT_INFO = "unit-info"
UNIT_RANKING = "unit-ranking"
UNIT_TREND = "unit-trend"
UNIT_TREND_DAYS = "unit-trend-days"
UNIT_CATEGORIES = "unit-categories"
UNIT_OVERDUE = "unit-overdue"
UNIT_CHECKPOINTS = "unit-checkpoints"
UNIT_CAMERAS = "unit-cameras"
UNIT_GRID = "unit-grid"  # grid level only: the grid's cases and checkpoints
UNIT_REVEAL = "unit-reveal"  # output of the clientside scroll to #case-<id>
