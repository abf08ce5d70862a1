-- A bulk load's new cases of one month, written into {target}: the month's partition, detached and
-- without indexes or keys (geodata/load/months.py), or cases itself for a month that stays attached.
INSERT INTO {target} (id, source, external_id, category_code, status, description, address, geom,
                      city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id,
                      department_id, reported_at, dispatched_at, accepted_at, resolved_at, rated_at, closed_at,
                      deadline_at, satisfaction, handled_online, reply, source_category, source_status)
SELECT k.id, s.source, s.external_id, s.category_code, s.status, s.description, s.address, s.geom,
       s.city_id, s.district_id, s.street_id, s.community_id, s.grid_id, s.micro_id, s.exclusive_grid_id,
       s.department_id, s.reported_at, s.dispatched_at, s.accepted_at, s.resolved_at, s.rated_at, s.closed_at,
       s.deadline_at, s.satisfaction, s.handled_online, s.reply, s.source_category, s.source_status
  FROM load_stage_cases s
  JOIN load_new_keys k ON k.source = s.source AND k.external_id = s.external_id
 WHERE s.reported_at >= %(start)s AND s.reported_at < %(end)s
 ORDER BY k.id
