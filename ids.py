"""Component ids: the contract between pages (layout) and callbacks (behaviour)."""

LANG = "lang"

# One-map page
MAP = "onemap-map"
MAP_STATE = "onemap-state"
MAP_TILES = "onemap-tiles"  # the tiled layers' specs, beside the figure (assets/maptiles.js)
MAP_TICK = "onemap-tick"
MAP_STATUS = "onemap-status"
MAP_CLASSES = "onemap-classes"  # the grids' legend rows, restated when their classes change
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
UNIT_RANKING_SCHEME = "unit-ranking-scheme"
UNIT_TREND = "unit-trend"
UNIT_TREND_DAYS = "unit-trend-days"
UNIT_CATEGORIES = "unit-categories"
UNIT_OVERDUE = "unit-overdue"
UNIT_CHECKPOINTS = "unit-checkpoints"
UNIT_CAMERAS = "unit-cameras"
UNIT_GRID = "unit-grid"  # grid level only: the grid's cases and checkpoints
UNIT_REVEAL = "unit-reveal"  # output of the clientside scroll to #case-<id>

# Analysts' workbench (/analyst): every control's value goes into one query string (ids.AN_QUERY)
AN_QUERY = "an-query"  # the encoded query string of the current view
AN_ERRORS = "an-errors"
AN_LAYER = "an-layer"  # the table's layer
AN_SHOW = "an-show"  # the layers drawn on the map
AN_CATEGORY = "an-category"
AN_STATUS = "an-status"
AN_SOURCE = "an-source"
AN_DEPT = "an-dept"
AN_DATES = "an-dates"
AN_OVERDUE = "an-overdue"
AN_NEAR_M = "an-near-m"
AN_NEAR_TYPE = "an-near-type"
AN_NEAR_IDS = "an-near-ids"  # checkpoints picked on the map (a Store)
AN_CP_TYPE = "an-cp-type"
AN_BELOW = "an-below"
AN_FAILING = "an-failing"
AN_GAP_M = "an-gap-m"
AN_CAM_STATUS = "an-cam-status"
AN_CAM_KIND = "an-cam-kind"
AN_GRID_KIND = "an-grid-kind"
AN_MIN_OPEN = "an-min-open"
AN_HOT = "an-hot"
AN_UNIT = "an-unit"
AN_AREA = "an-area"  # box or lasso drawn on the map (a Store)
AN_SELECTION = "an-selection"  # the map's box or lasso as drawn, without the points it covers (a Store)
AN_CLEAR_AREA = "an-clear-area"
AN_CLEAR_PICKS = "an-clear-picks"
AN_PICKS = "an-picks"  # what the picked checkpoints / area read as
AN_MAP = "an-map"
AN_MAP_TILES = "an-map-tiles"  # the tiled layers' specs, beside the figure
AN_MAP_KEY = "an-map-key"  # the filters the map was drawn for
AN_MAP_NOTE = "an-map-note"
AN_TABLE = "an-table"
AN_TOTAL = "an-total"
AN_EXPORTS = "an-exports"
AN_URL = "an-url"  # output of the clientside history.replaceState

# Workbench (工作台, /work)
WORK_CONFIG = "work-config"  # language (set once by the layout)
WORK_STATE = "work-state"  # what the table shows and the data versions it was read at
WORK_TICK = "work-tick"
WORK_STATUS = "work-status"
WORK_QUEUE = "work-queue"  # the queue picked (a key of geodata.cases.work.QUEUES)
WORK_QUEUES = "work-queues"  # the queue list with counts
WORK_QUEUE_BUTTON = "work-queue-button"  # pattern-matching type of each queue's button
WORK_CATEGORY = "work-category"
WORK_TEXT = "work-text"
WORK_TABLE = "work-table"
WORK_TOTAL = "work-total"
WORK_CASE = "work-case"  # the case picked in the table
WORK_DETAIL = "work-detail"
WORK_FORMS = "work-forms"  # action → the fields its form asks for
WORK_ACTION = "work-action"
WORK_DEPARTMENT = "work-department"
WORK_WORDS = "work-words"  # the note, reply or reason
WORK_WORDS_LABEL = "work-words-label"
WORK_WHEN = "work-when"
WORK_WHEN_LABEL = "work-when-label"
WORK_SCORE = "work-score"
WORK_PASSED = "work-passed"
WORK_MERGE = "work-merge"
WORK_ROW = "work-row"  # + "-" + field: the wrapper shown when the action asks for the field
WORK_SUBMIT = "work-submit"
WORK_MESSAGE = "work-message"
WORK_DONE = "work-done"  # bumped after every step taken here: the table and the panel read again
WORK_BULK_BAR = "work-bulk-bar"
WORK_BULK_DEPARTMENT = "work-bulk-department"
WORK_BULK = "work-bulk"
WORK_UPLOAD = "work-upload"  # the photo picker; the browser sends the file to the photos API itself
WORK_PHOTO_STAGE = "work-photo-stage"
WORK_PHOTO_SENT = "work-photo-sent"  # the photos API's answer (clientside): the panel reads again
WORK_PHOTO_MESSAGE = "work-photo-message"
WORK_PHOTO_WORDS = "work-photo-words"  # the messages the browser shows, in the page's language
WORK_FORM_TOKEN = "work-form-token"
CHECKPOINT_REF = "checkpoint-ref"  # the checkpoint id from the URL, and the language
CHECKPOINT_BODY = "checkpoint-body"
MAP_CLICK = "map-click"  # where a click on the one map's checkpoint goes (assets/checkpoint_link.js)
WORK_INSPECT = "work-inspect"  # the checkpoints due for inspection in the user's area (inspecting roles)
WORK_ROUND = "work-round"  # making an inspection round (admin, dispatcher)
WORK_ROUND_NAME = "work-round-name"
WORK_ROUND_START = "work-round-start"
WORK_ROUND_END = "work-round-end"
WORK_ROUND_TYPE = "work-round-type"
WORK_ROUND_UNIT = "work-round-unit"
WORK_ROUND_MAKE = "work-round-make"
WORK_ROUND_MESSAGE = "work-round-message"

# Notification centre of the page header (the signed-in user's notices; a wall has none)
NOTICE_CENTRE = "notice-centre"  # the <details> that opens the list
NOTICE_CONFIG = "notice-config"  # language (set once by the header)
NOTICE_STATE = "notice-state"  # the digest of what the bell shows (a tick with no change sends nothing)
NOTICE_TICK = "notice-tick"
NOTICE_COUNT = "notice-count"  # the unread badge
NOTICE_LIST = "notice-list"
NOTICE_ALL_READ = "notice-all-read"
# /reports: the assessment reports (pages/reports.py, callbacks/reports.py)
REPORTS_REF = "reports-ref"  # the language and the report just made (?done=)
REPORTS_BODY = "reports-body"
