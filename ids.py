"""Component ids: the contract between pages (layout) and callbacks (behaviour)."""

LANG = "lang"

# One-map page
MAP = "onemap-map"
MAP_STATE = "onemap-state"
MAP_TICK = "onemap-tick"
MAP_STATUS = "onemap-status"
LAYER_TOGGLES = "onemap-layer-toggles"
