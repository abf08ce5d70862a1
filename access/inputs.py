"""Input that no handler can take is refused at the door with a 400 that says what to fix.

A NUL character (U+0000) cannot be stored in PostgreSQL text and means nothing in a name, a note
or a query; wherever it comes (path, query string, form field, JSON string or key), the request is
refused before any handler sees it. Uploaded files are not looked into: binary files hold NULs.
"""

from __future__ import annotations

import flask

NUL = "\x00"
MESSAGE = "输入中含有 NUL 字符 (U+0000)，请删除后重试 (the request contains a NUL character, U+0000; remove it)"
TOO_DEEP = "JSON 嵌套过深 (the JSON body nests too deeply to be read)"


def _has_nul(value, depth: int = 0) -> bool:
    if isinstance(value, str):
        return NUL in value
    if depth > 64:
        return False
    if isinstance(value, dict):
        return any(_has_nul(k, depth + 1) or _has_nul(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v, depth + 1) for v in value)
    return False


def refuse_unusable_input(request: flask.Request) -> flask.Response | None:
    """A 400 answer when the request carries a NUL character, else None."""
    found = NUL in request.path or any(NUL in k or NUL in v for k, v in request.args.items(multi=True))
    if not found and request.method in ("POST", "PUT", "PATCH"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            found = any(NUL in k or NUL in v for k, v in request.form.items(multi=True))
        elif request.is_json:
            try:
                body = request.get_json(silent=True)  # parsed here (and kept) whatever its text
                # UTF-8 JSON carries a NUL only as the escape \u0000: without one (and without any 0
                # byte, as UTF-16 or UTF-32 would have), no string needs walking. Every live
                # screen's tick passes here.
                raw = request.get_data()
                found = (b"\\u0000" in raw or b"\x00" in raw) and _has_nul(body)
            except RecursionError:  # nested deeper than the parser goes: no handler could take it either
                response = flask.jsonify(error="invalid_json", message=TOO_DEEP)
                response.status_code = 400
                return response
    if not found:
        return None
    response = flask.jsonify(error="invalid_input", message=MESSAGE)
    response.status_code = 400
    return response
