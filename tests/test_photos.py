"""Case photos (DESIGN §12): POST /api/v1/cases/{id}/photos checks the content, keeps a clean copy
and a thumbnail, serves them with the case's scope, and refuses hostile files with nothing stored.
The real app, a real PostGIS and the real photo folder."""

from __future__ import annotations

import io

import pytest
import requests
from PIL import Image

from tests import signin
from tests.cases import insert_case
from tests.conftest import PHOTOS
from tests.photo_files import HOSTILE, MAKE, ORIENTATION, jpeg


def _case(db, tag: str) -> int:
    with db.transaction() as cur:
        return insert_case(cur, 113.77, 34.71, f"T-PHOTO-{tag}", source="hotline")


def _stored() -> set[str]:
    return {str(p.relative_to(PHOTOS)) for p in PHOTOS.rglob("*") if p.is_file()} if PHOTOS.exists() else set()


def _rows(db) -> int:
    with db.transaction() as cur:
        cur.execute("SELECT count(*) FROM case_photos")
        return cur.fetchone()[0]


def _send(server, case_id, data: bytes, name="photo.jpg", stage="before", **headers) -> requests.Response:
    return requests.post(
        f"{server}/api/v1/cases/{case_id}/photos",
        files={"file": (name, data, "image/jpeg")},
        data={"stage": stage},
        headers=headers,
        timeout=30,
    )


def test_a_photo_is_kept_without_its_metadata_with_a_thumbnail_and_a_place_hint(server, db, api_key):
    case_id = _case(db, "KEPT")
    sent = _send(server, case_id, jpeg(gps=(113.77, 34.71)), **{"X-API-Key": api_key})
    assert sent.status_code == 201, sent.text
    photo = sent.json()
    assert photo["stage"] == "before" and photo["width"] == 800 and photo["height"] == 600
    assert photo["place_hint"]["lon"] == pytest.approx(113.77, abs=1e-4)
    assert photo["place_hint"]["lat"] == pytest.approx(34.71, abs=1e-4)
    assert sent.headers["Location"] == photo["url"]

    full = requests.get(server + photo["url"], headers={"X-API-Key": api_key}, timeout=20)
    assert full.status_code == 200 and full.headers["Content-Type"] == "image/jpeg"
    kept = Image.open(io.BytesIO(full.content))
    exif = kept.getexif()
    assert exif.get(ORIENTATION) == 6, "the orientation is kept"
    assert MAKE not in exif and not exif.get_ifd(0x8825), "every other EXIF field (make, GPS) is gone"

    thumb = requests.get(server + photo["thumb_url"], headers={"X-API-Key": api_key}, timeout=20)
    small = Image.open(io.BytesIO(thumb.content))
    assert max(small.size) == 320 and small.size == (240, 320), "the thumbnail stands as the phone was held"

    listed = requests.get(f"{server}/api/v1/cases/{case_id}/photos", headers={"X-API-Key": api_key}, timeout=20)
    assert [p["id"] for p in listed.json()] == [photo["id"]]
    request = requests.get(f"{server}/open311/v2/requests/{case_id}.json", params={"api_key": api_key}, timeout=20)
    assert request.json()[0]["media_url"] == server + photo["url"]


def test_hostile_uploads_are_refused_with_a_clear_message_and_nothing_is_stored(server, db, api_key):
    case_id = _case(db, "HOSTILE")
    before_files, before_rows = _stored(), _rows(db)
    reasons = {}
    for name, data in HOSTILE.items():
        answer = _send(server, case_id, data, name=name, **{"X-API-Key": api_key})
        assert answer.status_code == 422, (name, answer.status_code, answer.text)
        body = answer.json()
        assert body["error"] == "invalid_photo" and body["message"], name
        reasons[name] = body["reason"]
    assert reasons == {
        "script.jpg": "not_image",
        "bomb.png": "too_many_pixels",
        "empty.jpg": "empty",
        "truncated.jpg": "truncated",
        "drawing.svg": "not_image",
    }
    assert _stored() == before_files and _rows(db) == before_rows, "a refused upload leaves nothing behind"


def test_an_upload_past_the_size_limit_is_refused_before_it_is_read(server, db, api_key, settings):
    case_id = _case(db, "HUGE")
    answer = _send(
        server, case_id, b"\xff\xd8" + b"\x00" * (settings.photo_max_bytes + 100_000), **{"X-API-Key": api_key}
    )
    assert answer.status_code == 413
    assert "error" in answer.json()


def test_wrong_fields_name_the_fix(server, db, api_key):
    case_id = _case(db, "FIELDS")
    answer = _send(server, case_id, jpeg(), stage="sideways", **{"X-API-Key": api_key})
    assert answer.status_code == 400 and "stage" in answer.json()["fields"]
    missing = requests.post(
        f"{server}/api/v1/cases/{case_id}/photos", data={"stage": "after"}, headers={"X-API-Key": api_key}, timeout=20
    )
    assert missing.status_code == 400 and "file" in missing.json()["fields"]
    nobody = _send(server, case_id, jpeg())
    assert nobody.status_code == 401
    assert _send(server, 999_999_999, jpeg(), **{"X-API-Key": api_key}).status_code == 404


def test_a_signed_in_user_sends_with_the_form_token_and_sees_photos_only_in_scope(server, db):
    case_id = _case(db, "SCOPE")
    dispatcher = signin.session(server, "dispatcher")
    refused = dispatcher.post(
        f"{server}/api/v1/cases/{case_id}/photos", files={"file": ("a.jpg", jpeg())}, data={"stage": "report"}
    )
    assert refused.status_code == 403 and "token" in refused.json()["message"]
    token = signin.form_token(dispatcher, server)
    sent = dispatcher.post(
        f"{server}/api/v1/cases/{case_id}/photos",
        files={"file": ("a.jpg", jpeg())},
        data={"stage": "report"},
        headers={"X-CSRF-Token": token},
    )
    assert sent.status_code == 201, sent.text
    url = sent.json()["url"]
    assert sent.json()["uploaded_by"] != "dispatcher", "the timeline's display name, not the login"
    assert dispatcher.get(server + url).status_code == 200

    # The case is not CGJ's: its photos do not exist for that department's handler.
    handler = signin.session(server, "dept_cgj")
    assert handler.get(server + url).status_code == 404
    assert handler.get(f"{server}/api/v1/cases/{case_id}/photos").status_code == 404
    analyst = signin.session(server, "analyst")
    looked = analyst.post(
        f"{server}/api/v1/cases/{case_id}/photos",
        files={"file": ("a.jpg", jpeg())},
        data={"stage": "report"},
        headers={"X-CSRF-Token": signin.form_token(analyst, server)},
    )
    assert looked.status_code == 403
    assert requests.get(server + url, timeout=20).status_code == 401, "no session, no key: no photo"
