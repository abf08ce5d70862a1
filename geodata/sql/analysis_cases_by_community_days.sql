-- The workbench's cases per community (analysis_cases_by_community.sql) for a query that filters
-- on nothing but the report days, from the daily counts (case_days, level 2: a street's
-- communities, kept by the cases' triggers) instead of counting millions of cases: 0.7 s for the
-- city's 10 million became a few milliseconds. The same figures (tests/test_analysis.py holds them
-- to the plain count): the cases in no community are the level's rows without one, plus the cases
-- in no street either, which have no daily row (few: counted from the cases). %(since)s and
-- %(until)s: report days, Beijing time, both inclusive (NULL: open-ended).
WITH d AS (
    SELECT community_id, sum(reported)::integer AS n
      FROM case_days
     WHERE lvl = 2
       AND (%(since)s::date IS NULL OR day >= %(since)s::date)
       AND (%(until)s::date IS NULL OR day <= %(until)s::date)
     GROUP BY community_id
    UNION ALL
    SELECT NULL, count(*)::integer
      FROM cases x
     WHERE x.community_id IS NULL AND x.street_id IS NULL
       AND (%(since)s::date IS NULL OR x.reported_at >= (%(since)s::date)::timestamp AT TIME ZONE 'Asia/Shanghai')
       AND (%(until)s::date IS NULL
            OR x.reported_at < (%(until)s::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
), c AS (
    SELECT community_id, sum(n)::integer AS n FROM d GROUP BY community_id HAVING sum(n) > 0
)
SELECT c.community_id AS id, u.code, u.name, c.n, ST_X(u.label_point) AS lon, ST_Y(u.label_point) AS lat
  FROM c
  LEFT JOIN units u ON u.id = c.community_id
 ORDER BY c.n DESC, c.community_id
