"""The real app's Flask test client, signed in as the district's demo user (the bench measures
what a signed-in screen costs, the gate included)."""

from __future__ import annotations

from datetime import timedelta

from access import session_state
from geodata.accounts import sessions


def signed_in(app, db):
    """A test client whose session belongs to the demo user ``district``."""
    with db.transaction() as cur:
        cur.execute("SELECT id FROM users WHERE username = 'district' AND disabled_at IS NULL")
        row = cur.fetchone()
    if row is None:
        raise RuntimeError("the bench database has no demo user 'district': run gridops setup once")
    token = sessions.start(db, user_id=row[0], idle=timedelta(hours=12), length=timedelta(hours=12))
    client = app.server.test_client()
    with client.session_transaction() as session:
        session[session_state.KEY] = token
        session.permanent = True
    return client
