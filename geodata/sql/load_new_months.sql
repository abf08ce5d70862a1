-- The months a bulk load's new cases fall in: (partition, start, end, new rows, rows it holds by the
-- planner's estimate). case_partitions_ensure made every one of them before (load_cases_partitions).
SELECT case_partition_name(n.month), case_month_start(n.month),
       case_month_start((n.month + interval '1 month')::date), n.rows,
       coalesce((SELECT greatest(c.reltuples, 0)::bigint FROM pg_class c
                  WHERE c.oid = to_regclass(case_partition_name(n.month))), 0)
  FROM (SELECT date_trunc('month', r.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS month, count(*) AS rows
          FROM load_new_rows r
         GROUP BY 1) n
 ORDER BY n.month
