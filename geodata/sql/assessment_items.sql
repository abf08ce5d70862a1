-- The scored items of the schemes %(codes)s, in order.
SELECT scheme, position, indicator, form, base, weight, full_, at, per_point, steps, floor_, if_none, note
  FROM assessment_items
 WHERE scheme = ANY(%(codes)s)
 ORDER BY scheme, position
