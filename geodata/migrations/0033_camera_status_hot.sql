-- The camera status feed writes every camera once per report: heartbeats for the most part. An index
-- over the status or the report times (0032's cameras_status_at_idx) makes every such write a new
-- entry in every index of the table; without one, a write that changes no indexed column can stay
-- on its page (a HOT update), and the table keeps room on each page for it. The sweep then reads
-- the online cameras' times in one pass over the table (200,000 cameras: tens of milliseconds).
DROP INDEX IF EXISTS cameras_status_at_idx;
ALTER TABLE cameras SET (fillfactor = 80);
