-- The wall's on-time rate takes the standard base (应结案数: closed in the window plus overdue and
-- open at its end, issue 27), so geodata/sql/kpi_cases.sql counts the cases overdue at the start
-- of the window as overdue now less the overdue events since. The +1 event of a case that ended
-- after its deadline falls on its deadline; for the part of a day at the window's edge those are
-- read by deadline from this index (about a tenth of all cases, a day's deadlines per read).
CREATE INDEX IF NOT EXISTS cases_late_deadline_idx ON cases (deadline_at) WHERE ended_at > deadline_at;
