-- Grids for the analyst workbench with open and overdue cases and, when asked, their Gi*
-- z-score and p-value (%(gi_ids)s, %(gi_z)s, %(gi_p)s from geodata/analysis/hotspots.py; empty otherwise).
-- Overdue is open (the maintained counter) minus the open cases not yet due, as in unit_values.sql
-- (case_overdue, migration 0026): those are few, where the overdue can be most of a million.
-- {where} comes from geodata/analysis/statements.py.
SELECT * FROM (
    SELECT u.id, u.code, u.name, u.kind, s.name AS street, m.name AS community,
           coalesce(us.open_cases, 0) AS open_cases,
           coalesce(us.open_cases, 0) - coalesce(nd.n, 0) AS overdue,
           round(gi.z::numeric, 2)::float AS gi_z, round(gi.p::numeric, 4)::float AS gi_p,
           ST_X(u.label_point) AS lon, ST_Y(u.label_point) AS lat,
           u.geom, u.label_point, u.city_id, u.district_id, u.street_id, u.community_id
      FROM units u
      LEFT JOIN unit_stats us ON us.unit_id = u.id
      LEFT JOIN units s ON s.id = u.street_id
      LEFT JOIN units m ON m.id = u.community_id
      LEFT JOIN (SELECT o.unit_id, count(*)::integer AS n
                   FROM (SELECT unnest(ARRAY[c.grid_id, c.exclusive_grid_id]) AS unit_id
                           FROM cases c WHERE c.ended_at IS NULL AND c.deadline_at >= now()) o
                  WHERE o.unit_id IS NOT NULL GROUP BY 1) nd ON nd.unit_id = u.id
      LEFT JOIN unnest(%(gi_ids)s::integer[], %(gi_z)s::float8[], %(gi_p)s::float8[]) AS gi (id, z, p)
             ON gi.id = u.id
     WHERE u.level = 'grid'
) x
 WHERE {where}
