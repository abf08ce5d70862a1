-- The workbench's pages and filtered totals at city scale (geodata/cases/work.py).
-- A page of a queue (work_page.sql) is its cases soonest deadline first. Without an index in that
-- order the page sorted the whole queue (the city's 966k accepted cases: 1.3–2.4 s) to show
-- fifteen. With these the months are merged in deadline order and read until a page is full: by
-- status for a queue of one status (the 9k cases to close would otherwise be looked for among a
-- million open ones: 1.5 s), by deadline alone for the queues of open cases (overdue, due soon, …).
CREATE INDEX IF NOT EXISTS cases_work_deadline_idx ON cases (deadline_at, id)
    WHERE is_open OR status IN ('resolved', 'rated');
CREATE INDEX IF NOT EXISTS cases_work_status_order_idx ON cases (status, deadline_at, id)
    WHERE is_open OR status IN ('resolved', 'rated');

-- A queue's total under a category filter (work_total.sql) reads the category too: cases_work_idx
-- (0044) is made again with it, so that such a count stays an index-only scan (1 s → 0.2 s).
DROP INDEX IF EXISTS cases_work_idx;
CREATE INDEX cases_work_idx ON cases (status)
    INCLUDE (is_open, parked_at, deadline_at, supervised_at, verified_at, extension_until, park_requested_at,
             district_id, street_id, community_id, grid_id, department_id, category_code)
    WHERE is_open OR status IN ('resolved', 'rated');
