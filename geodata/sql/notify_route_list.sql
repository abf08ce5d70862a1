SELECT r.id, r.target, d.code, u.code, r.channel, r.address
  FROM notify_routes r
  LEFT JOIN departments d ON d.id = r.department_id
  LEFT JOIN units u ON u.id = r.unit_id
 ORDER BY r.target, r.id
