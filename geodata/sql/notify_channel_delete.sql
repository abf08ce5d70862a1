-- Remove a notification channel (its routes and messages go with it: ON DELETE CASCADE).
DELETE FROM notify_channels WHERE name = %(name)s RETURNING kind
