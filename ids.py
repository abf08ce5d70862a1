"""Component ids: the contract between pages (layout) and callbacks (behaviour)."""

LANG = "lang"

# One-map page
MAP = "onemap-map"
MAP_STATE = "onemap-state"
MAP_TICK = "onemap-tick"
MAP_STATUS = "onemap-status"
LAYER_TOGGLES = "onemap-layer-toggles"

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
