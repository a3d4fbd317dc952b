"""Image builders for tests: good images in every format, and crafted bad ones."""

import io
import struct
import zlib
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

RED = (255, 0, 0)
BLUE = (0, 0, 255)


def encode(image: Image.Image, fmt: str, **save) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **save)
    return buf.getvalue()


def solid(size=(64, 48), color=RED, mode="RGB") -> Image.Image:
    return Image.new(mode, size, color)


def two_colour(size=(40, 20), left=RED, right=BLUE) -> Image.Image:
    """Left half `left`, right half `right`: flips and rotations show in the pixel colours."""
    image = Image.new("RGB", size, left)
    image.paste(right, (size[0] // 2, 0, size[0], size[1]))
    return image


def noisy(size=(300, 200)) -> Image.Image:
    """Random pixels: compresses badly, so cutting the file cuts real image data."""
    import random

    rnd = random.Random(42)
    return Image.frombytes("RGB", size, bytes(rnd.getrandbits(8) for _ in range(size[0] * size[1] * 3)))


def file(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def png(size=(64, 48), color=RED, name="red.png") -> SimpleUploadedFile:
    return file(name, encode(solid(size, color), "PNG"), "image/png")


def jpeg(size=(64, 48), color=RED, name="red.jpg") -> SimpleUploadedFile:
    return file(name, encode(solid(size, color), "JPEG", quality=95), "image/jpeg")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_with_ihdr(width: int, height: int) -> bytes:
    """A structurally valid PNG (correct CRCs) whose header claims `width`×`height`."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(b""))
        + _png_chunk(b"IEND", b"")
    )


def one_bit_png(width: int, height: int) -> bytes:
    """Huge in pixels, tiny on disk: a decompression bomb."""
    return encode(Image.new("1", (width, height), 0), "PNG", optimize=True)


def jpeg_with_exif(image: Image.Image, *, orientation: int = 6, gps: bool = True) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "TestCam"
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (31.0, 14.0, 2.0)}
    return encode(image, "JPEG", quality=95, exif=exif.tobytes())


def open_stored(field) -> Image.Image:
    """Opens a FieldFile (or path) fully into memory."""
    if isinstance(field, (str, Path)):
        with Image.open(field) as image:
            image.load()
            return image
    with field.open("rb") as fh, Image.open(fh) as image:
        image.load()
        return image


def media_files(root) -> list[Path]:
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
