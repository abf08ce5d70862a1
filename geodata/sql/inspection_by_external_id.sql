-- The inspection of a checkpoint recorded under an external id (a form's key, a source system's id).
SELECT id FROM inspections WHERE checkpoint_id = %(checkpoint_id)s AND external_id = %(external_id)s
