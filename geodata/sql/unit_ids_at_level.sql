-- Every unit of %(level)s, by id (an assessment close scores each unit of a level at once).
SELECT id FROM units WHERE level = %(level)s ORDER BY id
