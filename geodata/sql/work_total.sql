-- How many cases one filtered workbench queue holds (work_page.sql's rows without the page: counted
-- inside the page's statement, count(*) OVER (), every row of the queue was read with its names,
-- seconds at city scale; this is an index-only scan of cases_work_idx, migration 0046).
SELECT count(*)
  FROM cases c
 WHERE (c.is_open OR c.status IN ('resolved', 'rated')) AND {where}
