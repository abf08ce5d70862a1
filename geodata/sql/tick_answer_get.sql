-- A tick answer being computed by another process (callbacks/shared_ticks.py), asked again: status 0
-- while it is; no row when that process gave up (its answer was an error, never kept).
SELECT status, mimetype, body FROM tick_answers WHERE key = %(key)s
