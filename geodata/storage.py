"""Where the bytes of uploaded files (case photos) live: a small interface with two stores.

- ``FileStore`` (the default): a folder under the data directory (GRIDOPS_PHOTO_DIR, else
  <state dir>/photos). Each write goes to a temporary file that is renamed into place, so a
  reader never sees half a photo.
- ``S3Store``: any S3-compatible object store (GRIDOPS_PHOTO_STORE=s3 with GRIDOPS_S3_BUCKET,
  GRIDOPS_S3_ENDPOINT and the usual AWS_* credentials), through boto3.

Keys are the store's own names (``2026/12/<hex>.jpg``), made by the caller from random bytes: a
key never comes from a file name a user chose.
"""

from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from settings import Settings, get_settings

KEY = re.compile(r"^[a-z0-9][a-z0-9/._-]{0,199}$")


class StoreError(RuntimeError):
    """The store could not keep or give back a file (its message says which and why)."""


def _checked(key: str) -> str:
    if not KEY.match(key) or ".." in key:
        raise ValueError(f"not a store key: {key!r}")
    return key


class Store(Protocol):
    """Keeps bytes under a key."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...


class FileStore:
    """Files in a folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        del content_type  # a file's type is its key's suffix
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            raise StoreError(f"could not write {path}: {exc.strerror or exc}") from None

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Store:
    """Objects in a bucket of an S3-compatible store."""

    def __init__(self, bucket: str, endpoint: str | None = None, region: str | None = None) -> None:
        import boto3  # only this store needs it

        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=endpoint, region_name=region or "us-east-1")

    def put(self, key: str, data: bytes, content_type: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.put_object(Bucket=self.bucket, Key=_checked(key), Body=data, ContentType=content_type)
        except (BotoCoreError, ClientError) as exc:
            raise StoreError(f"could not write s3://{self.bucket}/{key}: {exc}") from None

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=_checked(key))["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise StoreError(f"could not read s3://{self.bucket}/{key}: {exc}") from None

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=_checked(key))


def store_for(settings: Settings) -> Store:
    """The store the settings name."""
    if settings.photo_store == "s3":
        if not settings.s3_bucket:
            raise StoreError(
                "GRIDOPS_PHOTO_STORE=s3 needs GRIDOPS_S3_BUCKET (and GRIDOPS_S3_ENDPOINT for a store that is not AWS)"
            )
        return S3Store(settings.s3_bucket, settings.s3_endpoint, settings.s3_region)
    return FileStore(settings.photo_dir or settings.state_dir / "photos")


@lru_cache(maxsize=1)
def photos() -> Store:
    """The process's photo store."""
    return store_for(get_settings())
