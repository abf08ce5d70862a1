-- The newest audit entries first, of one action or of all.
SELECT id, at, actor, action, host(ip) AS ip, detail
  FROM audit_log
 WHERE %(action)s::text IS NULL OR action = %(action)s
 ORDER BY id DESC
 LIMIT %(limit)s
