-- A case's photos, oldest first, with the uploader's display name.
SELECT p.id, p.case_id, p.stage, p.content_type, p.width, p.height, p.bytes, p.uploaded_by,
       coalesce(u.display_name, p.uploaded_by) AS uploaded_by_name, p.uploaded_at, p.taken_at,
       ST_X(p.place_hint) AS hint_lon, ST_Y(p.place_hint) AS hint_lat
  FROM case_photos p
  LEFT JOIN users u ON u.username = p.uploaded_by
 WHERE p.case_id = %(case_id)s
 ORDER BY p.id
