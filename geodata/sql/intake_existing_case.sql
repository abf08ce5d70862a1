-- The case already taken in under this source and external id, if any (case_keys holds the key of
-- every case, across the months of cases; the case itself is read under its policy).
SELECT c.id
  FROM case_keys k
  JOIN cases c ON c.id = k.id
 WHERE k.source = %(source)s AND k.external_id = %(external_id)s
