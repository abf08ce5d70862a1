-- The recent wrong passwords that bear on one sign-in attempt (geodata/accounts/throttle.py): of this known
-- device; of this name from this address, and of this address, from browsers no device vouches
-- for. With the time of the last of each, and the database's clock.
SELECT count(*) FILTER (WHERE detail ->> 'device' = %(device)s) AS device_n,
       max(at) FILTER (WHERE detail ->> 'device' = %(device)s) AS device_last,
       count(*) FILTER (WHERE actor = %(name)s AND ip = %(ip)s AND NOT detail ? 'device') AS pair_n,
       max(at) FILTER (WHERE actor = %(name)s AND ip = %(ip)s AND NOT detail ? 'device') AS pair_last,
       count(*) FILTER (WHERE ip = %(ip)s AND NOT detail ? 'device') AS address_n,
       max(at) FILTER (WHERE ip = %(ip)s AND NOT detail ? 'device') AS address_last,
       now() AS now
  FROM audit_log
 WHERE action = 'sign_in_failed'
   AND at > now() - %(window)s
   AND detail ->> 'reason' = 'mismatch'
   AND (detail ->> 'device' = %(device)s OR actor = %(name)s OR ip = %(ip)s)
