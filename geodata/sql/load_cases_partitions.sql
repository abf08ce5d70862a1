-- Before a cases load writes: the months of cases its staged rows fall in, made if missing
-- (case_partitions_ensure), so that each row lands in its month and none in cases_default.
SELECT case_partitions_ensure(min(reported_at), max(reported_at)) FROM load_stage_cases
