-- One notification channel by its name (migration 0034).
SELECT name, kind, endpoint, secret, options, quiet_from, quiet_to, digest_minutes, enabled
  FROM notify_channels
 WHERE name = %(name)s
