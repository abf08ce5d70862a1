-- The workbench's cases per community, for a map where more match than it draws one by one: every
-- case the filter selects, counted in the community it lies in (those in none under a NULL id),
-- and where the community's name is drawn. {where} is composed by geodata/analysis/statements.py;
-- every clause is on the case row. A bare count: over ten million cases it is an index-only scan
-- (1.1–1.2 s on two cores), where counting the open and overdue among them read every row (2.7 s).
SELECT c.community_id AS id, u.code, u.name, c.n, ST_X(u.label_point) AS lon, ST_Y(u.label_point) AS lat
  FROM (SELECT x.community_id, count(*)::integer AS n FROM cases x WHERE {where} GROUP BY 1) c
  LEFT JOIN units u ON u.id = c.community_id
 ORDER BY c.n DESC, c.community_id
