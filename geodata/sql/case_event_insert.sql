-- One logged step of a case's loop.
INSERT INTO case_events (case_id, at, from_status, to_status, action, actor, claimed_actor, note)
VALUES (%(case_id)s, now(), %(from_status)s, %(to_status)s, %(action)s, %(actor)s, %(claimed_actor)s, %(note)s)
RETURNING id
