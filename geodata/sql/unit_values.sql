-- Overdue follows case_overdue (migration 0026), written out here in the form its indexes serve.
-- Open (maintained counter) and overdue cases for every unit of a level. Overdue is open minus
-- the open cases not yet due: those are few (an index range from now), where the overdue
-- themselves can be most of a million open cases (migration 0021).
SELECT u.id, coalesce(s.open_cases, 0) AS open_cases, coalesce(s.open_cases, 0) - coalesce(d.n, 0) AS overdue
  FROM units u
  LEFT JOIN unit_stats s ON s.unit_id = u.id
  LEFT JOIN (
        SELECT CASE WHEN %(exclusive)s THEN c.exclusive_grid_id
                    WHEN %(level)s = 'micro' THEN c.micro_id
                    WHEN %(level)s = 'grid' THEN c.grid_id
                    WHEN %(level)s = 'community' THEN c.community_id
                    WHEN %(level)s = 'street' THEN c.street_id
                    WHEN %(level)s = 'district' THEN c.district_id
                    ELSE c.city_id END AS unit_id,
               count(*) AS n
          FROM cases c
         WHERE c.ended_at IS NULL AND c.deadline_at >= now()
         GROUP BY 1) d ON d.unit_id = u.id
 WHERE u.level = %(level)s AND (u.kind = 'exclusive') = %(exclusive)s
 ORDER BY u.id
