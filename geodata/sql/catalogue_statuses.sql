-- The lifecycle states, in loop order.
SELECT code, name, name_en, is_open, step FROM case_statuses ORDER BY step, code
