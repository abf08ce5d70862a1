-- Counts behind the case KPIs (geodata/kpis.py defines them), per {group} unit, for the cases
-- whose {scope} is in %(scope_ids)s, as of %(now)s (NULL: the database clock). Day boundaries
-- are Beijing time. "Open at T" is reported_at <= T AND (ended_at IS NULL OR ended_at > T).
WITH p AS (
    SELECT n AS now,
           date_trunc('day', n AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS today,
           make_interval(days => %(days)s) AS win
      FROM (SELECT coalesce(%(now)s::timestamptz, now()) AS n) x
)
SELECT {group} AS unit_id,
       count(*) FILTER (WHERE c.reported_at >= p.today) AS new_now,
       count(*) FILTER (WHERE c.reported_at >= p.today - interval '1 day'
                          AND c.reported_at < p.now - interval '1 day') AS new_prev,
       count(*) FILTER (WHERE c.ended_at IS NULL OR c.ended_at > p.now) AS open_now,
       count(*) FILTER (WHERE c.reported_at <= p.now - interval '1 day'
                          AND (c.ended_at IS NULL OR c.ended_at > p.now - interval '1 day')) AS open_prev,
       count(*) FILTER (WHERE (c.ended_at IS NULL OR c.ended_at > p.now) AND c.deadline_at < p.now) AS overdue_now,
       count(*) FILTER (WHERE c.reported_at <= p.now - interval '1 day'
                          AND (c.ended_at IS NULL OR c.ended_at > p.now - interval '1 day')
                          AND c.deadline_at < p.now - interval '1 day') AS overdue_prev,
       count(*) FILTER (WHERE c.status IN ('resolved', 'rated', 'closed')
                          AND c.ended_at > p.now - p.win AND c.ended_at <= p.now) AS resolved_now,
       count(*) FILTER (WHERE c.status IN ('resolved', 'rated', 'closed') AND c.ended_at <= c.deadline_at
                          AND c.ended_at > p.now - p.win AND c.ended_at <= p.now) AS on_time_now,
       count(*) FILTER (WHERE c.status IN ('resolved', 'rated', 'closed')
                          AND c.ended_at > p.now - 2 * p.win AND c.ended_at <= p.now - p.win) AS resolved_prev,
       count(*) FILTER (WHERE c.status IN ('resolved', 'rated', 'closed') AND c.ended_at <= c.deadline_at
                          AND c.ended_at > p.now - 2 * p.win AND c.ended_at <= p.now - p.win) AS on_time_prev,
       count(*) FILTER (WHERE c.satisfaction IS NOT NULL
                          AND c.rated_at > p.now - p.win AND c.rated_at <= p.now) AS rated_now,
       count(*) FILTER (WHERE c.satisfaction >= 4
                          AND c.rated_at > p.now - p.win AND c.rated_at <= p.now) AS satisfied_now,
       count(*) FILTER (WHERE c.satisfaction IS NOT NULL
                          AND c.rated_at > p.now - 2 * p.win AND c.rated_at <= p.now - p.win) AS rated_prev,
       count(*) FILTER (WHERE c.satisfaction >= 4
                          AND c.rated_at > p.now - 2 * p.win AND c.rated_at <= p.now - p.win) AS satisfied_prev,
       count(*) FILTER (WHERE c.reported_at > p.now - p.win) AS reported_now,
       count(*) FILTER (WHERE c.handled_online AND c.reported_at > p.now - p.win) AS online_now,
       count(*) FILTER (WHERE c.reported_at > p.now - 2 * p.win AND c.reported_at <= p.now - p.win) AS reported_prev,
       count(*) FILTER (WHERE c.handled_online
                          AND c.reported_at > p.now - 2 * p.win AND c.reported_at <= p.now - p.win) AS online_prev
  FROM cases c CROSS JOIN p
 WHERE c.{scope} = ANY(%(scope_ids)s)
   AND c.reported_at <= p.now
   AND (c.ended_at IS NULL OR c.ended_at > p.now - 2 * p.win - interval '1 day'
        OR c.reported_at > p.now - 2 * p.win - interval '1 day' OR c.rated_at > p.now - 2 * p.win)
 GROUP BY 1
