-- The checkpoints a spreadsheet of inspection results names, by code, with their type.
SELECT k.id, k.code, k.name, k.type_code, t.name AS type_name, t.name_en AS type_name_en
  FROM checkpoints k
  JOIN checkpoint_types t ON t.code = k.type_code
 WHERE k.code = ANY(%(codes)s)
