"""GridOps: the Dash app (pages, shell, routes). ``python app.py`` serves it; gunicorn uses ``server``."""

from __future__ import annotations

import sys
from datetime import timedelta

import dash
from dash import Dash, html
from werkzeug.middleware.proxy_fix import ProxyFix

import api
import callbacks  # noqa: F401  (registers every callback)
from access import gate, headers, secret, signin
from access.sessions import SessionCookies
from callbacks import shared_ticks
from geodata.errors import SetupError
from routes import events, exports, health, imports, inspect, maps, mobile, rating, reports, templating
from settings import get_settings

settings = get_settings()
try:
    if settings.production and settings.debug:
        raise SetupError("GRIDOPS_DEBUG=true is not allowed with GRIDOPS_PRODUCTION=true")
    SECRET_KEY = secret.resolve(settings)
    if settings.production:
        secret.refuse_demo_passwords()
except SetupError as exc:
    sys.exit(f"error: {exc}")
app = Dash(
    __name__,
    use_pages=True,
    pages_folder="pages",
    title="网格治理一张图",
    update_title=None,
    suppress_callback_exceptions=True,
    # Every callback is plain Python: with asgiref installed Dash would otherwise serve async
    # endpoints and run its page router hook on an event loop in a new thread for every request.
    use_async=False,
    assets_path_ignore=["vendor", "mobile"],  # inlined into exports; the phone page's own (routes/mobile.py)
)
server = app.server
server.secret_key = SECRET_KEY
server.session_interface = SessionCookies()
server.config.update(
    SESSION_COOKIE_NAME="gridops_session",
    SESSION_COOKIE_HTTPONLY=True,
    SESSION_COOKIE_SAMESITE="Lax",
    SESSION_COOKIE_SECURE=settings.production,
    PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
    MAX_CONTENT_LENGTH=settings.request_max_bytes,
)
if settings.proxy_hops:
    server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.proxy_hops, x_proto=settings.proxy_hops)
app.layout = html.Div(dash.page_container, id="shell")
gate.register(server)
shared_ticks.register(server)  # after the gate: a tick's answer kept for every screen asking the same
signin.register(server)
health.register(server)
maps.register(server)
exports.register(server)
reports.register(server)
imports.register(server)
mobile.register(server)
inspect.register(server)
rating.register(server)
templating.register(server)
events.register(server)
api.register(server)

# Dash finishes setting itself up in before_request hooks on the first request, and each marks
# itself done before it has finished, without a lock. Under a threaded server two threads' first
# requests raced there: one walked the callbacks while the other added the page router's, and
# answered 500 (dictionary changed size during iteration). Run them here, once, before any
# thread serves: Dash's hooks come before the gate's, which answers this anonymous request itself.
with server.test_request_context("/"):
    server.preprocess_request()
# The Content-Security-Policy hashes Dash's inline scripts, the page router's among them: only now
# are they all registered.
headers.register(server, app.csp_hashes(), settings)

if __name__ == "__main__":
    print(f"GridOps on http://{settings.host}:{settings.port}/", flush=True)
    app.run(
        host=settings.host,
        port=settings.port,
        debug=settings.debug and not settings.production,
        dev_tools_hot_reload=False,
    )
