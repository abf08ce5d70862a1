-- The grid workers (posts) and the unit their scope names, with its ancestors: a report ranks the
-- posts inside its subject.
SELECT u.username, u.display_name, n.id, n.name, n.street_id, n.district_id, n.city_id, n.community_id
  FROM users u
  LEFT JOIN units n ON n.code = u.scope_code
 WHERE u.role = 'gridworker'
 ORDER BY u.username
