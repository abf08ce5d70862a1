-- The workbench's cases per community, for a map where more match than it draws one by one: every
-- case the filter selects, counted in the community it lies in (those in none under a NULL id),
-- with how many are open and overdue, and where the community's name is drawn. {where} is
-- composed by geodata/analysis/statements.py; every clause is on the case row.
SELECT c.community_id AS id, u.code, u.name, c.n, c.open, c.overdue,
       ST_X(u.label_point) AS lon, ST_Y(u.label_point) AS lat
  FROM (SELECT x.community_id, count(*)::integer AS n,
               (count(*) FILTER (WHERE x.is_open))::integer AS open,
               (count(*) FILTER (WHERE case_overdue(x.is_open, x.deadline_at, now())))::integer AS overdue
          FROM cases x
         WHERE {where}
         GROUP BY 1) c
  LEFT JOIN units u ON u.id = c.community_id
 ORDER BY c.n DESC, c.community_id
