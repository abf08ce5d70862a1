-- The required elements (要素) of a checkpoint type: the category a failure is filed under, and
-- the device that judges it (NULL: an inspector does).
SELECT code, name, name_en, category_code, device
  FROM checkpoint_elements
 WHERE type_code = %(type_code)s
 ORDER BY code
