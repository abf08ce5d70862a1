-- Open (maintained counter) and overdue (partial-index scan) cases for every unit of a level.
SELECT u.id, coalesce(s.open_cases, 0) AS open_cases, coalesce(o.overdue, 0) AS overdue
  FROM units u
  LEFT JOIN unit_stats s ON s.unit_id = u.id
  LEFT JOIN (
        SELECT CASE %(level)s WHEN 'grid' THEN c.grid_id
                              WHEN 'community' THEN c.community_id
                              ELSE c.street_id END AS unit_id,
               count(*) AS overdue
          FROM cases c
         WHERE c.is_open AND c.deadline_at < now()
         GROUP BY 1) o ON o.unit_id = u.id
 WHERE u.level = %(level)s AND (u.kind = 'exclusive') = %(exclusive)s
 ORDER BY u.id
