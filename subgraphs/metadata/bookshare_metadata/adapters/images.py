"""Cover images: the real type from the bytes, bounds, EXIF stripped, a thumbnail (Pillow)."""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
_SUFFIXES = {".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".png": "PNG", ".webp": "WEBP"}
_MIME = {"image/jpeg": "JPEG", "image/pjpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
CONTENT_TYPES = {ext: mime for ext, mime in FORMATS.values()}


class CoverRejected(ValueError):
    """The upload cannot be a cover; the message tells the user why."""


@dataclass(frozen=True)
class CoverLimits:
    max_bytes: int = 5 * 1024 * 1024
    min_side: int = 32
    max_side: int = 6000
    max_pixels: int = 30_000_000
    thumb_box: tuple[int, int] = (200, 300)


@dataclass(frozen=True)
class ProcessedCover:
    ext: str
    content_type: str
    data: bytes
    width: int
    height: int
    thumb: bytes
    thumb_width: int
    thumb_height: int
    digest: str


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=85)
    return out.getvalue()


def _pixels_only(image: Image.Image) -> Image.Image:
    """A copy that carries the pixels and nothing else (no EXIF, XMP, ICC, text chunks)."""
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGB")
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def process_cover(data: bytes, *, filename: str | None, declared_type: str | None,
                  limits: CoverLimits = CoverLimits()) -> ProcessedCover:
    if not data:
        raise CoverRejected("the file is empty")
    if len(data) > limits.max_bytes:
        raise CoverRejected(f"the file is too big: covers may be at most {limits.max_bytes // (1024 * 1024)} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = image.format
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError):
        raise CoverRejected("the file is not an image: covers must be JPEG, PNG or WebP") from None
    if fmt not in FORMATS:
        raise CoverRejected(f"{fmt} images are not accepted: covers must be JPEG, PNG or WebP")
    suffix = PurePosixPath(filename or "").suffix.lower()
    if suffix and _SUFFIXES.get(suffix) != fmt:
        raise CoverRejected(f"the file is named '{suffix}' but its content is a {fmt} image")
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared in _MIME and _MIME[declared] != fmt:
        raise CoverRejected(f"the file was sent as {declared} but its content is a {fmt} image")
    width, height = image.size
    if min(width, height) < limits.min_side:
        raise CoverRejected(f"the image is too small: at least {limits.min_side} pixels on each side")
    if max(width, height) > limits.max_side or width * height > limits.max_pixels:
        raise CoverRejected(f"the image is too large: at most {limits.max_side} pixels on a side")
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)  # keep the orientation the camera recorded, then drop EXIF
    except (OSError, SyntaxError, ValueError):
        raise CoverRejected("the image is damaged and cannot be read") from None
    clean = _pixels_only(upright)
    encoded = _encode(clean, fmt)
    thumb = clean.copy()
    thumb.thumbnail(limits.thumb_box, Image.Resampling.LANCZOS)
    ext, content_type = FORMATS[fmt]
    return ProcessedCover(
        ext=ext, content_type=content_type, data=encoded, width=clean.width, height=clean.height,
        thumb=_encode(thumb, fmt), thumb_width=thumb.width, thumb_height=thumb.height,
        digest=hashlib.sha256(encoded).hexdigest()[:20],
    )
