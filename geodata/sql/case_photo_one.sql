-- One photo of a case, with where its bytes are kept.
SELECT id, case_id, stage, content_type, store_key, thumb_key, sha256
  FROM case_photos
 WHERE case_id = %(case_id)s AND id = %(id)s
