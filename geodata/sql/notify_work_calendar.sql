-- The working calendar's own days (migration 0034): they override the holiday library.
SELECT day, working FROM work_calendar
