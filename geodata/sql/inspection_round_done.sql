-- The checkpoint is covered in its round by this inspection.
UPDATE round_checkpoints SET inspection_id = %(inspection_id)s
 WHERE round_id = %(round_id)s AND checkpoint_id = %(checkpoint_id)s AND inspection_id IS NULL
