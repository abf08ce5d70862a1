-- Every notification channel, by name.
SELECT name, kind, endpoint, secret, options, quiet_from, quiet_to, digest_minutes, enabled
  FROM notify_channels
 ORDER BY name
