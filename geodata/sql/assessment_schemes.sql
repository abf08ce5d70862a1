-- The assessment schemes (migration 0036), or the one named by %(code)s.
SELECT code, name, name_en, applies_to, scorer, red_rule, red_value, black_rule, black_value, flag_min, source
  FROM assessment_schemes
 WHERE %(code)s::text IS NULL OR code = %(code)s
 ORDER BY code
