-- Every checkpoint type's elements (要素), to read a spreadsheet's element names and codes by the
-- type of each row's checkpoint; those a device judges (device IS NOT NULL) are never loaded.
SELECT type_code, code, name, name_en, device
  FROM checkpoint_elements
 ORDER BY type_code, code
