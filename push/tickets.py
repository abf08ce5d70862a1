"""The ticket a page presents to the push stream, and the stream's address.

The app (GET /events/ticket, routes/events.py) signs, with its own secret key, the viewer's row scope
(``Principal.rows``), its server-side session and the origin of the page; the events server checks
the signature and the age with the same key (access/secret.py) and that the session is still live.
A ticket is only good for opening a stream, for a few minutes: a page asks for a fresh one each time
it connects. It travels in the URL (EventSource sends no headers), so it carries nothing secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from settings import Settings

SALT = "gridops.events.ticket"
MAX_AGE_S = 600  # a ticket opens a stream for ten minutes after it was signed
MAX_LENGTH = 1000  # a longer one is refused unread
LEVELS = ("all", "city", "district", "street", "community", "department")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")  # the app listens everywhere: the browser's host name is used


@dataclass(frozen=True)
class Ticket:
    """What a good ticket says: the viewer's row scope, its session and the page's origin."""

    rows: tuple[str, int]
    session_id: int
    origin: str


def _serializer(secret: str, issued_at: float | None = None) -> URLSafeTimedSerializer:
    if issued_at is None:
        return URLSafeTimedSerializer(secret, salt=SALT)

    class Dated(TimestampSigner):  # a signature dated in the past: an expired ticket, for the tests
        def get_timestamp(self) -> int:
            return int(issued_at)

    return URLSafeTimedSerializer(secret, salt=SALT, signer=Dated)


def mint(secret: str, rows: tuple[str, int], session_id: int, origin: str, issued_at: float | None = None) -> str:
    """A ticket for a viewer of row scope ``rows`` in session ``session_id``, on a page of ``origin``."""
    return _serializer(secret, issued_at).dumps({"r": [rows[0], int(rows[1])], "s": int(session_id), "o": origin})


def read(secret: str, ticket: str | None, max_age: float = MAX_AGE_S) -> Ticket | None:
    """The ticket's content, or None when it is missing, forged, expired or malformed."""
    if not ticket or len(ticket) > MAX_LENGTH:
        return None
    try:
        data = _serializer(secret).loads(ticket, max_age=max_age)
    except BadSignature:  # SignatureExpired too
        return None
    try:
        level, unit = data["r"]
        session_id, origin = data["s"], data["o"]
    except (KeyError, TypeError, ValueError):
        return None
    good = (
        level in LEVELS
        and type(unit) is int
        and type(session_id) is int
        and isinstance(origin, str)
        and len(origin) <= 300
    )
    return Ticket((level, unit), session_id, origin) if good else None


def stream_url(settings: Settings, request_host: str | None = None) -> str:
    """The stream's address as the browser should use it: GRIDOPS_EVENTS_URL, else the events port on
    the app's host (the host name the browser used when the app listens on every address)."""
    if settings.events_url:
        return settings.events_url
    host = settings.host
    if host in WILDCARD_HOSTS and request_host:
        host = request_host
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{settings.events_port}/events"


def csp_source(settings: Settings) -> str | None:
    """The Content-Security-Policy source that lets pages open the stream (connect-src); None when
    it is the page's own origin ('self' already covers it)."""
    if settings.events_url:
        parts = urlsplit(settings.events_url)
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None
    if settings.host in WILDCARD_HOSTS:
        return f"http://*:{settings.events_port}"  # whichever host name the browser used
    return urlsplit(stream_url(settings))._replace(path="").geturl()
