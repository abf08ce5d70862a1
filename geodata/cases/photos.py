"""Photos of a case (before and after, 随手拍, 核查): checked, cleaned, stored, listed.

An upload is judged by its content, never its name or declared type: Pillow must recognise it
as JPEG, PNG or WebP from its bytes, its pixel count must be within GRIDOPS_PHOTO_MAX_PIXELS
before a pixel is decoded (a decompression bomb is refused from its header), and it must decode
whole (a truncated file is refused). What is kept is a fresh encoding of the decoded pixels: no
metadata of the sender survives except the orientation, and nothing hidden after the image data
either. The camera's EXIF place and time are read first and kept as hints on the row, never as
the case's place. A thumbnail (320 px) goes beside it.

Nothing is written unless every check passes; a failed database write removes the stored files.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import warnings
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, ImageOps, UnidentifiedImageError

from geodata import storage
from geodata.accounts import audit
from geodata.queries import sql_text
from settings import get_settings

STAGES = ("report", "before", "after", "verify")
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
LONGEST_EDGE = 4096  # what is kept: enough to read a shop sign, a fraction of a phone's 48 MP
THUMB_EDGE = 320
ORIENTATION = 0x0112
GPS_IFD = 0x8825
EXIF_IFD = 0x8769
TAKEN_AT = 0x9003  # DateTimeOriginal


class PhotoError(ValueError):
    """An upload that is refused; ``code`` names the reason for the interface's message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Checked:
    """A photo that passed: the bytes to keep and their thumbnail, with what was read from it."""

    data: bytes
    thumb: bytes
    content_type: str
    suffix: str
    width: int
    height: int
    place_hint: tuple[float, float] | None  # (lon, lat) WGS84 from EXIF GPS
    taken_at: datetime | None


def _gps_degrees(values: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    deg = d + m / 60 + s / 3600
    return -deg if str(ref).upper() in ("S", "W") else deg


def _hints(exif: Image.Exif) -> tuple[tuple[float, float] | None, datetime | None]:
    place = None
    gps = exif.get_ifd(GPS_IFD)
    if gps:
        lat = _gps_degrees(gps.get(2), gps.get(1))
        lon = _gps_degrees(gps.get(4), gps.get(3))
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0, 0):
            place = (round(lon, 7), round(lat, 7))
    taken = None
    raw = exif.get_ifd(EXIF_IFD).get(TAKEN_AT)
    if isinstance(raw, str):
        try:  # a camera writes its local time without a zone: the territory's
            taken = datetime.strptime(raw.strip(), "%Y:%m:%d %H:%M:%S").replace(
                tzinfo=ZoneInfo(get_settings().territory_tz)
            )
        except ValueError:
            taken = None
    return place, taken


def _encode(image: Image.Image, fmt: str, orientation: int | None = None, quality: int = 88) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    options: dict[str, Any] = {"quality": quality} if fmt in ("JPEG", "WEBP") else {"optimize": True}
    if orientation and orientation != 1:
        kept = Image.Exif()
        kept[ORIENTATION] = orientation
        options["exif"] = kept.tobytes()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def check(data: bytes, max_bytes: int | None = None, max_pixels: int | None = None) -> Checked:
    """The photo to keep, or PhotoError saying why not."""
    settings = get_settings()
    max_bytes = max_bytes or settings.photo_max_bytes
    max_pixels = max_pixels or settings.photo_max_pixels
    if not data:
        raise PhotoError("empty", "the file is empty (0 bytes): choose the photo again")
    if len(data) > max_bytes:
        raise PhotoError("too_large", f"the file is {len(data) / 1e6:.1f} MB; photos up to {max_bytes / 1e6:.0f} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(
            "too_many_pixels", f"the file claims far more pixels than a photo has; at most {max_pixels / 1e6:.0f} MP"
        ) from None
    except UnidentifiedImageError:
        raise PhotoError("not_image", "the file is not a JPEG, PNG or WebP photo (its content was checked)") from None
    except (OSError, SyntaxError, ValueError):
        raise PhotoError("not_image", "the file is not a readable JPEG, PNG or WebP photo") from None
    width, height = image.size
    if width * height > max_pixels:
        raise PhotoError(
            "too_many_pixels",
            f"the photo has {width}×{height} pixels ({width * height / 1e6:.0f} MP); at most "
            f"{max_pixels / 1e6:.0f} MP are taken",
        )
    fmt = image.format
    try:
        exif = image.getexif()
        orientation = exif.get(ORIENTATION)
        place, taken = _hints(exif)
        image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PhotoError("truncated", "the photo is damaged or cut short: send the whole file again") from None
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    kept = image.copy()
    kept.thumbnail((LONGEST_EDGE, LONGEST_EDGE))
    content_type, suffix = FORMATS[fmt]
    stored = _encode(kept, fmt, orientation if isinstance(orientation, int) and 1 <= orientation <= 8 else None)
    thumb = ImageOps.exif_transpose(kept)  # a thumbnail stands the way the camera was held, without EXIF
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE))
    return Checked(
        data=stored,
        thumb=_encode(thumb, "JPEG", quality=80),
        content_type=content_type,
        suffix=suffix,
        width=kept.width,
        height=kept.height,
        place_hint=place,
        taken_at=taken,
    )


def save(
    cur, case_id: int, stage: str, checked: Checked, actor: str, ip: str | None = None, kept: list[str] | None = None
) -> dict[str, Any]:
    """Store the photo and its thumbnail and record them on the case (audited), inside the
    caller's transaction; the stored files are removed again if the rows cannot be written.
    ``kept`` gets the stored keys, for a caller that must remove them when its transaction fails
    later (``forget``)."""
    if stage not in STAGES:
        raise PhotoError("stage", f"stage must be one of {', '.join(STAGES)}")
    store = storage.photos()
    month = datetime.now().strftime("%Y/%m")
    name = secrets.token_hex(16)
    key, thumb_key = f"{month}/{name}.{checked.suffix}", f"{month}/{name}.thumb.jpg"
    store.put(key, checked.data, checked.content_type)
    try:
        store.put(thumb_key, checked.thumb, "image/jpeg")
        lon, lat = checked.place_hint or (None, None)
        cur.execute(
            sql_text("case_photo_insert"),
            {
                "case_id": case_id,
                "stage": stage,
                "store_key": key,
                "thumb_key": thumb_key,
                "content_type": checked.content_type,
                "width": checked.width,
                "height": checked.height,
                "bytes": len(checked.data),
                "sha256": hashlib.sha256(checked.data).hexdigest(),
                "lon": lon,
                "lat": lat,
                "taken_at": checked.taken_at,
                "actor": actor,
            },
        )
        row = dict(zip([d.name for d in cur.description], cur.fetchone()))
        audit.record(cur, actor, "case_photo", ip, case=case_id, photo=row["id"], stage=stage)
        if kept is not None:
            kept += [key, thumb_key]
        return row
    except BaseException:
        store.delete(key)
        store.delete(thumb_key)
        raise


def of_case(cur, case_id: int) -> list[dict[str, Any]]:
    """The case's photos, oldest first (only when the reader may see the case)."""
    cur.execute(sql_text("case_photos"), {"case_id": case_id})
    names = [d.name for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def listed(db, case_id: int) -> list[dict[str, Any]]:
    """``of_case`` in a transaction of its own."""
    with db.transaction() as cur:
        return of_case(cur, case_id)


def one(cur, case_id: int, photo_id: int) -> dict[str, Any] | None:
    """One photo of the case, or None (also when the case is outside the reader's scope)."""
    cur.execute(sql_text("case_photo_one"), {"case_id": case_id, "id": photo_id})
    row = cur.fetchone()
    return None if row is None else dict(zip([d.name for d in cur.description], row))


def url(case_id: int, photo_id: int, thumb: bool = False) -> str:
    """Where the photo is served (through the gate, with the case's scope)."""
    return f"/api/v1/cases/{case_id}/photos/{photo_id}" + ("?size=thumb" if thumb else "")


def forget(keys: list[str]) -> None:
    """Remove stored photos whose rows were never committed."""
    store = storage.photos()
    for key in keys:
        store.delete(key)
