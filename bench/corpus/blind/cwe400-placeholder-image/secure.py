"""Placeholder images for mock-ups: /placeholder/<width>x<height>.png"""
import struct
import zlib

GREY = (204, 204, 204)
MAX_SIDE = 2048


def _chunk(kind, payload):
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def render_placeholder_png(width, height):
    """Build a solid grey PNG of the requested size.

    ``width`` and ``height`` are parsed from the public placeholder URL that
    any web page may embed in an <img> tag. The returned bytes are sent by
    the caller as the image/png response body.
    """
    width, height = int(width), int(height)
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise ValueError("width and height must be between 1 and %d" % MAX_SIDE)

    scanline = b"\x00" + bytes(GREY) * width
    pixels = scanline * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join([
        b"\x89PNG\r\n\x1a\n",
        _chunk(b"IHDR", header),
        _chunk(b"IDAT", zlib.compress(pixels, 6)),
        _chunk(b"IEND", b""),
    ])
