-- The checkpoint types, in code order.
SELECT code, name, name_en FROM checkpoint_types ORDER BY code
