-- A claimed key given up (callbacks/shared_ticks.py): its answer was an error, which is never kept;
-- the processes waiting for it compute their own.
DELETE FROM tick_answers WHERE key = %(key)s AND status = 0
