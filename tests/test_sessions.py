"""access.sessions: Flask's cookie sessions with a kept signer behave as Flask's own."""

from __future__ import annotations

import flask

from access.sessions import SessionCookies


def _app() -> flask.Flask:
    app = flask.Flask(__name__)
    app.secret_key = "first-key"
    app.session_interface = SessionCookies()

    @app.get("/set")
    def put():
        flask.session["x"] = 1
        return "ok"

    @app.get("/read")
    def read():
        return str(flask.session.get("x"))

    @app.get("/clear")
    def clear():
        flask.session.clear()
        return "ok"

    @app.get("/none")
    def nothing():
        return "ok"

    return app


def test_a_request_that_leaves_its_session_alone_sets_no_cookie():
    client = _app().test_client()
    answer = client.get("/none")
    assert "Set-Cookie" not in answer.headers
    read = client.get("/read")  # read but empty: no cookie, and Vary: Cookie as Flask says
    assert "Set-Cookie" not in read.headers and "Cookie" in read.headers.get("Vary", "")


def test_a_session_round_trips_and_clearing_it_deletes_the_cookie():
    client = _app().test_client()
    assert "Set-Cookie" in client.get("/set").headers
    assert client.get("/read").text == "1"
    cleared = client.get("/clear")
    assert "Expires=Thu, 01 Jan 1970" in cleared.headers["Set-Cookie"]
    assert client.get("/read").text == "None"


def test_a_new_secret_key_refuses_cookies_signed_with_the_old_one():
    app = _app()
    client = app.test_client()
    client.get("/set")
    assert client.get("/read").text == "1"
    app.secret_key = "second-key"  # the kept signer must follow the key
    assert client.get("/read").text == "None"
    app.config["SECRET_KEY_FALLBACKS"] = ["first-key"]  # rotation: the old key still reads
    assert client.get("/read").text == "1"
