-- A route: who (a target, for one department or unit, or for all) is told through which channel.
INSERT INTO notify_routes (target, department_id, unit_id, channel, address)
VALUES (%(target)s,
        (SELECT id FROM departments WHERE code = %(department)s),
        (SELECT id FROM units WHERE code = %(unit)s),
        %(channel)s, %(address)s)
ON CONFLICT DO NOTHING
RETURNING id
