-- Every rule of the case loop (migration 0008).
SELECT from_status, action, to_status, requires, stamps, clears, name, name_en
  FROM case_transitions
 ORDER BY from_status, action
