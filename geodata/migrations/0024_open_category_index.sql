-- Open cases by category, for the workbench's commonest filter ("open cases of category 05", a
-- count capped at 100,001 and its first page). With only the open cases' time index (0015) the
-- capped count read open cases of every category and dropped those of the others: 330-790 ms at
-- city scale (970k open cases), over the 300 ms budget. Here it is an index-only range per
-- category (status included, which the filter also reads).
CREATE INDEX IF NOT EXISTS cases_open_category_idx ON cases (category_code, reported_at)
    INCLUDE (status) WHERE is_open;
