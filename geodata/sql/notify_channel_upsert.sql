-- Add a notification channel, or replace the whole definition of the one of that name.
-- created: true for a new channel.
INSERT INTO notify_channels (name, kind, endpoint, secret, options, quiet_from, quiet_to, digest_minutes, enabled)
VALUES (%(name)s, %(kind)s, %(endpoint)s, %(secret)s, %(options)s, %(quiet_from)s, %(quiet_to)s,
        %(digest_minutes)s, %(enabled)s)
ON CONFLICT (name) DO UPDATE
   SET kind = excluded.kind, endpoint = excluded.endpoint, secret = excluded.secret, options = excluded.options,
       quiet_from = excluded.quiet_from, quiet_to = excluded.quiet_to, digest_minutes = excluded.digest_minutes,
       enabled = excluded.enabled
RETURNING (xmax = 0) AS created
