-- The workbench's queues with their counts (geodata/cases/work.py composes {counts} and {where}
-- from fixed clauses; every value is a parameter). Every queue holds open, resolved or rated cases.
SELECT {counts}
  FROM cases c
 WHERE (c.is_open OR c.status IN ('resolved', 'rated')) AND {where}
