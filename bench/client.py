"""The real app's Flask test client, signed in as the district's demo user (the bench measures
what a signed-in screen costs, the gate included)."""

from __future__ import annotations


def signed_in(app, db):
    """A test client whose session belongs to the demo user ``district``."""
    with db.transaction() as cur:
        cur.execute("SELECT id FROM users WHERE username = 'district' AND disabled_at IS NULL")
        row = cur.fetchone()
    if row is None:
        raise RuntimeError("the bench database has no demo user 'district': run python -m geodata.setup once")
    client = app.server.test_client()
    with client.session_transaction() as session:
        session["uid"] = row[0]
        session.permanent = True
    return client
