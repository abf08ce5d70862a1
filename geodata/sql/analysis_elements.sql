-- Checkpoint elements (要素) by code, for the "element failing" filter (a code may serve several types).
SELECT code, name, name_en FROM checkpoint_elements ORDER BY code, type_code
