-- Spend a rating link, keeping what the citizen said.
UPDATE rating_links SET used_at = now(), satisfaction = %(satisfaction)s, comment = %(comment)s
 WHERE token_sha256 = %(digest)s
