-- A bulk load's new cases of one month, written into {target}: the month's partition, detached and
-- without indexes or keys (geodata/load/months.py), or cases itself for a month that stays attached.
INSERT INTO {target} (id, source, external_id, category_code, status, description, address, geom,
                      city_id, district_id, street_id, community_id, grid_id, micro_id, exclusive_grid_id,
                      department_id, reported_at, dispatched_at, accepted_at, resolved_at, rated_at, closed_at,
                      deadline_at, satisfaction, handled_online, reply, source_category, source_status)
SELECT r.id, r.source, r.external_id, r.category_code, r.status, r.description, r.address, r.geom,
       r.city_id, r.district_id, r.street_id, r.community_id, r.grid_id, r.micro_id, r.exclusive_grid_id,
       r.department_id, r.reported_at, r.dispatched_at, r.accepted_at, r.resolved_at, r.rated_at, r.closed_at,
       r.deadline_at, r.satisfaction, r.handled_online, r.reply, r.source_category, r.source_status
  FROM load_new_rows r
 WHERE r.reported_at >= %(start)s AND r.reported_at < %(end)s
