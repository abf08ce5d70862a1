-- Every rule of the case loop (migrations 0008 and 0030).
SELECT from_status, action, to_status, requires, stamps, clears, name, name_en,
       passed, needs, needs_unset, counts, effect, while_parked
  FROM case_transitions
 ORDER BY from_status, action, passed
