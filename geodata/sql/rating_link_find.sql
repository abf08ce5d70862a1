-- A rating link with what its page shows of the case.
SELECT l.case_id, l.expires_at, l.used_at, l.ended_at, c.status, c.verified_at, c.reply,
       k.name AS category, k.name_en AS category_en, c.reported_at, c.resolved_at
  FROM rating_links l
  JOIN cases c ON c.id = l.case_id
  JOIN case_categories k ON k.code = c.category_code
 WHERE l.token_sha256 = %(digest)s
