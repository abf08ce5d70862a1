"""The photo stores: the folder (default) and an S3-compatible bucket, the latter against a real S3
server on the loopback (moto's server mode), through boto3 as in production."""

from __future__ import annotations

import pytest

from geodata.storage import FileStore, S3Store, StoreError


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    from tests.server import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _round_trip(store) -> None:
    store.put("2026/12/abc.jpg", b"\xff\xd8photo", "image/jpeg")
    assert store.get("2026/12/abc.jpg") == b"\xff\xd8photo"
    assert store.get("2026/12/missing.jpg") is None
    store.delete("2026/12/abc.jpg")
    assert store.get("2026/12/abc.jpg") is None
    for bad in ("../etc/passwd", "/abs.jpg", "UPPER.jpg", "a/../../b.jpg"):
        with pytest.raises(ValueError):
            store.put(bad, b"x", "image/jpeg")


def test_the_folder_store_keeps_and_gives_back(tmp_path):
    _round_trip(FileStore(tmp_path))
    assert not [p for p in tmp_path.rglob(".part-*")], "no half-written file is left"


def test_the_s3_store_keeps_and_gives_back(s3_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    store = S3Store("gridops-photos", s3_endpoint)
    store.client.create_bucket(Bucket="gridops-photos")
    _round_trip(store)
    absent = S3Store("no-such-bucket", s3_endpoint)
    with pytest.raises(StoreError) as err:
        absent.put("2026/12/x.jpg", b"x", "image/jpeg")
    assert "no-such-bucket" in str(err.value)
