"""The real app's Flask test client, signed in as the demo user ``admin``, who sees the whole
territory at every scale (the bench measures what a signed-in screen costs, the gate included)."""

from __future__ import annotations

from datetime import timedelta

from access import session_state
from geodata.accounts import sessions


def signed_in(app, db, username: str = "admin"):
    """A test client whose session belongs to the demo user ``username``."""
    with db.transaction() as cur:
        cur.execute("SELECT id FROM users WHERE username = %s AND disabled_at IS NULL", (username,))
        row = cur.fetchone()
    if row is None:
        raise RuntimeError(f"the bench database has no demo user {username!r}: run gridops setup once")
    token = sessions.start(db, user_id=row[0], idle=timedelta(hours=12), length=timedelta(hours=12))
    client = app.server.test_client()
    with client.session_transaction() as session:
        session[session_state.KEY] = token
        session.permanent = True
    return client
