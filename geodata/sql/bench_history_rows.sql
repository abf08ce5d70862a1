-- The cases a bench history import wrote (bench/history.py), with the columns a COPY writes.
SELECT {columns} FROM cases WHERE id IN (SELECT id FROM load_new_rows)
