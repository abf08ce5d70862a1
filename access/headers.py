"""The security headers every answer carries, set by flask-talisman (a maintained Flask extension)
with a Content-Security-Policy that Dash, Plotly's MapLibre map and the workbench work under.

- ``script-src 'self'`` plus the SHA-256 of each of Dash's own inline scripts (``app.csp_hashes()``,
  computed once every callback is registered): no other inline script and no ``eval`` runs.
- ``style-src 'unsafe-inline'``: Plotly writes its style rules into a ``<style>`` element at run
  time, and cannot be told a nonce. Styles cannot run code.
- ``worker-src blob:``: MapLibre starts its tile workers from a blob URL.
- ``img-src``/``connect-src`` also name the basemap's tile host when one is configured, and
  ``connect-src`` the push stream's origin when it is not the page's own (push/tickets.py).
- ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``: no page can be framed (clickjacking).
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy``, and HSTS over HTTPS.
- ``Cache-Control: no-store`` on every answer that does not set its own (case JSON, callbacks,
  pages): a shared computer or proxy keeps no copy of citizens' cases. Static files keep theirs.

HTTPS itself is the reverse proxy's (README, production): the app never redirects to it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import flask
from flask_talisman import Talisman

from layers.basemap import TILE_URLS
from push import tickets
from settings import Settings

CACHEABLE = ("/assets/", "/_dash-component-suites/", "/glyphs/", "/tiles/", "/_favicon.ico")


def _tile_origin(settings: Settings) -> list[str]:
    url = settings.basemap_url if settings.basemap == "xyz" else TILE_URLS.get(settings.basemap)
    if not url:
        return []
    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


def policy(script_hashes: list[str], settings: Settings) -> dict[str, list[str] | str]:
    """The Content-Security-Policy, directive by directive."""
    tiles = _tile_origin(settings)
    events = [source] if (source := tickets.csp_source(settings)) else []
    return {
        "default-src": "'self'",
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *tiles],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *tiles, *events],
        "worker-src": ["'self'", "blob:"],
        "child-src": ["'self'", "blob:"],
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }


def _no_store(response: flask.Response) -> flask.Response:
    if "Cache-Control" not in response.headers and not flask.request.path.startswith(CACHEABLE):
        response.headers["Cache-Control"] = "no-store"
    return response


def register(server: flask.Flask, script_hashes: list[str], settings: Settings) -> None:
    """Send the headers on every answer of ``server``."""
    Talisman(
        server,
        force_https=False,
        frame_options="DENY",
        content_security_policy=policy(script_hashes, settings),
        session_cookie_secure=settings.production,
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"browsing-topics": "()", "camera": "()", "microphone": "()", "geolocation": "(self)"},
    )
    server.after_request(_no_store)
