-- Whether the codes a command names exist (NULL names nothing and counts as found).
SELECT %(department)s::text IS NULL OR EXISTS (SELECT 1 FROM departments WHERE code = %(department)s),
       %(unit)s::text IS NULL OR EXISTS (SELECT 1 FROM units WHERE code = %(unit)s),
       %(category)s::text IS NULL OR EXISTS (SELECT 1 FROM case_categories WHERE code = %(category)s),
       %(channel)s::text IS NULL OR EXISTS (SELECT 1 FROM notify_channels WHERE name = %(channel)s)
