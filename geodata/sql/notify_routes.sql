-- Who is told through which enabled channel, and the channel's pacing.
SELECT r.target, r.department_id, r.unit_id, r.channel, r.address, ch.kind
  FROM notify_routes r
  JOIN notify_channels ch ON ch.name = r.channel
 WHERE ch.enabled
 ORDER BY r.id
