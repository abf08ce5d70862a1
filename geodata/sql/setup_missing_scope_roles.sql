-- Of the scope roles %(roles)s, those that do not exist, or that %(app_user)s may not switch to
-- (not granted to it, and it is no superuser).
SELECT r.rolname
  FROM unnest(%(roles)s::text[]) AS r (rolname)
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles p WHERE p.rolname = r.rolname)
    OR (NOT EXISTS (SELECT 1 FROM pg_roles s WHERE s.rolname = %(app_user)s AND s.rolsuper)
        AND NOT EXISTS (
            SELECT 1
              FROM pg_auth_members m
              JOIN pg_roles g ON g.oid = m.roleid
              JOIN pg_roles u ON u.oid = m.member
             WHERE g.rolname = r.rolname AND u.rolname = %(app_user)s
        ))
 ORDER BY 1
