-- One checkpoint, locked for the inspection being recorded (inspections of one checkpoint are
-- recorded one after the other), with its department and its place.
SELECT k.id, k.code, k.name, k.type_code, t.name AS type_name, t.name_en AS type_name_en,
       d.code AS department_code, ST_X(k.geom) AS lon, ST_Y(k.geom) AS lat
  FROM checkpoints k
  JOIN checkpoint_types t ON t.code = k.type_code
  LEFT JOIN departments d ON d.id = k.department_id
 WHERE k.id = %(id)s
   FOR UPDATE OF k
