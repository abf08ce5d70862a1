"""Real receivers on 127.0.0.1 for the notification tests: an HTTP one (robots, webhooks, SMS
gateways) and an SMTP one, each a context manager serving on a free port in a thread.

    with HttpReceiver() as rx:
        rx.url                                   # "http://127.0.0.1:PORT" (rx.url + "/any/path?x=1" works)
        rx.answer("/robot", status=200, json={"errcode": 310000, "errmsg": "sign not match"})
        rx.answer(status=500, times=1)           # every path, once (then the earlier rules again)
        rx.answer("/slow", hold=30)              # answer 30 s after arrival (the close releases it)
        ...send...
        got = rx.wait_for(1, timeout=5)          # the first request(s) once that many arrived
        got[0].path, got[0].query["sign"], got[0].headers["X-Foo"], got[0].json, got[0].at

Every request is recorded when it has arrived (its body read), before it is answered: a request
held, or one whose sender was killed waiting, is in ``rx.requests``. By default every request is
answered 200 with ``{"errcode": 0, "errmsg": "ok", "code": 0, "msg": "success"}``, which DingTalk,
WeCom, Feishu and the SMS gateway all read as success.

    with SmtpReceiver() as mx:                   # or SmtpReceiver(login=("user", "pass"))
        mx.endpoint                              # "smtp://127.0.0.1:PORT" (an email channel's endpoint)
        got = mx.wait_for(1)
        got[0].mail_from, got[0].rcpt_tos, got[0].subject, got[0].text, got[0].message

``SmtpReceiver(hold=N)`` records a message at DATA and answers N seconds later; ``reply="550 …"``
refuses it. ``closed_url()`` is an address where nothing listens (the connection is refused).

The signature checks: ``dingtalk_signature_ok(query, secret)``, ``feishu_signature_ok(body,
secret)`` and ``webhook_signature_ok(body_bytes, header, secret)``.
"""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

OK_ANSWER = {"errcode": 0, "errmsg": "ok", "code": 0, "msg": "success"}
SIGN_WINDOW_S = 3600  # DingTalk and Feishu refuse a signature more than an hour off


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on (just now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_url(path: str = "/") -> str:
    """An http URL on 127.0.0.1 where nothing listens: connecting is refused."""
    return f"http://127.0.0.1:{free_port()}{path}"


# ---- HTTP -------------------------------------------------------------------------------------------
@dataclass
class Request:
    """One request as it arrived. ``query``: each parameter's last value, decoded; ``headers``:
    case-insensitive; ``json``: the body read as JSON (None when it is not); ``at``: time.time()."""

    method: str
    path: str
    query: dict[str, str]
    raw_query: str
    headers: Any  # an email.message.Message: rx.headers["content-type"], .get(...), case-insensitive
    body: bytes
    json: Any
    at: float


@dataclass
class _Rule:
    path: str | None
    status: int
    json: Any
    body: bytes | None
    hold: float
    times: int | None


class HttpReceiver:
    """An HTTP server on 127.0.0.1 that records every request and answers as told (see the module)."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._rules: list[_Rule] = []
        self._lock = threading.Condition()
        self._closing = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def answer(
        self,
        path: str | None = None,
        status: int = 200,
        json: Any = None,
        *,
        body: bytes | None = None,
        hold: float = 0.0,
        times: int | None = None,
    ) -> None:
        """Answer requests to ``path`` (None: any path) with ``status`` and ``json`` (or the raw
        ``body``; neither: the default success answer), ``hold`` seconds after they arrive; only the
        next ``times`` of them when given. The rule given last that fits is used."""
        with self._lock:
            self._rules.append(_Rule(path, status, json, body, hold, times))

    def reset(self) -> None:
        """Forget the recorded requests and the answers given."""
        with self._lock:
            self.requests.clear()
            self._rules.clear()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Request]:
        """The requests once at least ``count`` have arrived; AssertionError after ``timeout`` s."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.requests) >= count, timeout):
                raise AssertionError(f"{len(self.requests)} request(s) arrived in {timeout:g} s, expected {count}")
            return list(self.requests)

    def _record(self, request: Request) -> _Rule:
        with self._lock:
            self.requests.append(request)
            self._lock.notify_all()
            for rule in reversed(self._rules):
                if (rule.path is None or rule.path == request.path) and rule.times != 0:
                    if rule.times is not None:
                        rule.times -= 1
                    return rule
            return _Rule(None, 200, None, None, 0.0, None)

    def __enter__(self) -> HttpReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                try:
                    parsed = json.loads(body) if body else None
                except ValueError:
                    parsed = None
                rule = receiver._record(
                    Request(
                        method=self.command,
                        path=parts.path,
                        query={k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
                        raw_query=parts.query,
                        headers=self.headers,
                        body=body,
                        json=parsed,
                        at=time.time(),
                    )
                )
                if rule.hold:
                    receiver._closing.wait(rule.hold)
                out = rule.body if rule.body is not None else _json_bytes(OK_ANSWER if rule.json is None else rule.json)
                try:
                    self.send_response(rule.status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                except OSError:
                    pass  # the sender gave up waiting

            def do_POST(self) -> None:
                self._handle()

            def do_GET(self) -> None:
                self._handle()

            def do_PUT(self) -> None:
                self._handle()

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._closing.set()  # held answers go out now
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


# ---- signatures -----------------------------------------------------------------------------------
def dingtalk_signature_ok(query: dict[str, str] | str, secret: str, now: float | None = None) -> bool:
    """DingTalk's check of a signed robot call: ``timestamp`` (ms, within an hour of now) and ``sign``
    = base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")), as decoded from the URL."""
    if isinstance(query, str):
        query = {k: v[-1] for k, v in parse_qs(query).items()}
    stamp, sign = query.get("timestamp", ""), query.get("sign", "")
    if not stamp.isdigit() or abs((now if now is not None else time.time()) - int(stamp) / 1000) > SIGN_WINDOW_S:
        return False
    digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), sign)


def feishu_signature_ok(body: dict[str, Any], secret: str, now: float | None = None) -> bool:
    """Feishu's check of a signed robot call: the body's ``timestamp`` (s, within an hour of now) and
    ``sign`` = base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b""))."""
    stamp, sign = str(body.get("timestamp", "")), str(body.get("sign", ""))
    if not stamp.isdigit() or abs((now if now is not None else time.time()) - int(stamp)) > SIGN_WINDOW_S:
        return False
    digest = hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), sign)


def webhook_signature_ok(body: bytes, header: str | None, secret: str) -> bool:
    """The generic webhook's ``X-GridOps-Signature: sha256=<hex HMAC-SHA256 of the body>``."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header or "")


# ---- SMTP -------------------------------------------------------------------------------------------
@dataclass
class Mail:
    """One message as it arrived: the envelope, the raw bytes and the parsed message (headers and
    bodies decoded: ``subject``, ``text``)."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    message: EmailMessage
    at: float
    login: str | None = None

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        return part.get_content().replace("\r\n", "\n") if part is not None else ""


@dataclass
class SmtpReceiver:
    """An SMTP server (aiosmtpd) on 127.0.0.1 that records every message (see the module).
    ``login``: (user, password) it accepts (AUTH PLAIN / LOGIN without TLS) and then requires."""

    hold: float = 0.0
    reply: str = "250 OK"
    login: tuple[str, str] | None = None
    messages: list[Mail] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Condition()
        self._controller = None
        self.port = 0

    @property
    def endpoint(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Mail]:
        """The messages once at least ``count`` have arrived; AssertionError after ``timeout`` s."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"{len(self.messages)} message(s) arrived in {timeout:g} s, expected {count}")
            return list(self.messages)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        data = envelope.original_content or envelope.content
        data = data if isinstance(data, bytes) else data.encode()
        message = email.message_from_bytes(data, policy=email.policy.default)
        user = session.auth_data.login.decode() if getattr(session.auth_data, "login", None) else None
        with self._lock:
            self.messages.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), data, message, time.time(), user))
            self._lock.notify_all()
        if self.hold:
            await asyncio.sleep(self.hold)
        return self.reply

    def __enter__(self) -> SmtpReceiver:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        kwargs: dict[str, Any] = {}
        if self.login is not None:
            expected = self.login

            def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
                given = (auth_data.login.decode(), auth_data.password.decode())
                return AuthResult(success=given == expected, handled=False, auth_data=auth_data)

            kwargs = {"authenticator": authenticate, "auth_required": True, "auth_require_tls": False}
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._controller is not None:
            self._controller.stop()
