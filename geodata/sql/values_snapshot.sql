-- The moment a page's map values are read at (geodata/unit_values.py): the snapshot of the
-- transaction's first statement and its clock. A read run next in the same transaction sees at
-- least what this snapshot sees, at this clock (now() is the transaction's start).
SELECT pg_current_snapshot()::text AS snapshot, now() AS at
