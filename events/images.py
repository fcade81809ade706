"""Uploaded images: proven to be images before they are kept, and served at fitting sizes.

An upload is refused, with a message in Chinese, unless Pillow can read and decode it, it
is one of the formats browsers show, and it stays within the byte and pixel limits (a
small file can still decode to billions of pixels) and within the memory one decoded image
may take (IMAGE_DECODE_MAX_BYTES): a JPEG is decoded at 1/2, 1/4 or 1/8 of its size when that
brings it within, other formats are refused above it. It is stored under the extension of
the format it was found to be, whatever its name said. Accepted images get renditions — one
per named size, WebP where Pillow can write it — made once through the image's storage
(the file system here, any Django storage in production) and reused. A rendition's name
comes from the original's, so a new image gets new renditions; the old ones are deleted.
"""

import hashlib
import io
import logging
import math
import posixpath
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import ImageField
from django.template.defaultfilters import filesizeformat
from PIL import ExifTags, Image, UnidentifiedImageError, features

logger = logging.getLogger(__name__)

# Limits, overridable in settings as IMAGE_UPLOAD_MAX_BYTES and IMAGE_UPLOAD_MAX_PIXELS.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
# What one decoded image may take in memory: a 40-megapixel RGBA image would be 160 MB, and
# the worker making its renditions would hold a few of those.
DEFAULT_MAX_DECODED_BYTES = 64 * 1024 * 1024
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# How an EXIF orientation turns the stored pixels upright.
ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

# Named sizes by width in pixels; the height follows the image's proportions.
RENDITION_WIDTHS = {"thumb": 160, "list": 480, "detail": 1200}
RENDITION_QUALITY = 82
RENDITION_FOLDER = "renditions"


def max_upload_bytes():
    return getattr(settings, "IMAGE_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_pixels():
    return getattr(settings, "IMAGE_UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def max_decoded_bytes():
    return getattr(settings, "IMAGE_DECODE_MAX_BYTES", DEFAULT_MAX_DECODED_BYTES)


def decoded_bytes(image):
    """The memory Pillow takes for the decoded pixels at the image's current size: one byte a
    pixel for palette and grey images, two for 16-bit grey, four for everything else (Pillow
    keeps RGB in four bytes too)."""
    mode = image.mode
    per_pixel = 1 if mode in ("1", "L", "P") else 2 if mode.startswith("I;16") else 4
    return image.width * image.height * per_pixel


def decode_within(image, budget):
    """Have the decoder make a smaller image where it can, so that decoding fits `budget`
    bytes: a JPEG decodes at 1/2, 1/4 or 1/8 scale. Returns whether the image, as it will be
    decoded, fits."""
    if decoded_bytes(image) <= budget:
        return True
    if image.format == "JPEG":
        scale = min(8, 2 ** math.ceil(math.log2(math.sqrt(decoded_bytes(image) / budget))))
        image.draft(None, (max(1, image.width // scale), max(1, image.height // scale)))
    return decoded_bytes(image) <= budget


def stored_name(name, image_format):
    """The upload's name with the extension of the format it was found to be."""
    stem, _ = posixpath.splitext(posixpath.basename(name or "")) if name else ("image", "")
    return f"{stem or 'image'}.{EXTENSIONS[image_format]}"


def limits_text():
    """The accepted formats and limits, as the upload field's help text says them."""
    return (
        f"{'、'.join(ACCEPTED_FORMATS.values())} 格式，文件不超过 {filesizeformat(max_upload_bytes())}，"
        f"不超过 {max_pixels() // 10_000} 万像素。"
    )


def validate_image_file(upload):
    """Refuse anything that is not an image a browser can show, within the limits.

    Checks the size first, then the pixel count and the memory decoding would take from the
    header (before decoding, so a decompression bomb is never expanded), then verifies the
    file's structure and decodes it (a JPEG at reduced scale if need be), since verify() alone
    does not read the pixel data.
    """
    max_bytes, pixel_limit, budget = max_upload_bytes(), max_pixels(), max_decoded_bytes()
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            "图片文件太大（%(size)s），不能超过 %(limit)s。",
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
        )
    invalid = ValidationError(
        "无法识别为图片，或者图片已损坏。请上传 %(formats)s 格式的图片。",
        code="invalid_image",
        params={"formats": "、".join(ACCEPTED_FORMATS.values())},
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                image_format, (width, height) = image.format, image.size
                if image_format not in ACCEPTED_FORMATS:
                    raise invalid
                if width * height > pixel_limit:
                    raise _too_many_pixels(width, height, pixel_limit)
                if not decode_within(image, budget):
                    raise _too_large_to_decode(image, budget)
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                decode_within(image, budget)
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(None, None, pixel_limit) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise invalid from error
    finally:
        upload.seek(0)
    return width, height


def _too_many_pixels(width, height, max_pixels):
    size = f"（{width}×{height}）" if width else ""
    return ValidationError(
        "图片像素太多%(size)s，不能超过 %(limit)s 万像素。",
        code="too_many_pixels",
        params={"size": size, "limit": max_pixels // 10_000},
    )


def _too_large_to_decode(image, budget):
    side = math.isqrt(budget // max(1, decoded_bytes(image) // (image.width * image.height)))
    return ValidationError(
        "图片（%(width)s×%(height)s）解码后需要 %(needed)s 内存，不能超过 %(limit)s："
        "请缩小到约 %(side)s×%(side)s 像素以内，或存为 JPEG 格式。",
        code="too_large_to_decode",
        params={
            "width": image.width,
            "height": image.height,
            "needed": filesizeformat(decoded_bytes(image)),
            "limit": filesizeformat(budget),
            "side": side,
        },
    )


@dataclass(frozen=True)
class Rendition:
    """One stored size of an image: what an <img> needs."""

    name: str
    url: str
    width: int
    height: int


def output_format():
    return ("WEBP", "webp") if features.check("webp") else ("JPEG", "jpg")


def rendition_name(original_name, size):
    """Where the rendition of `original_name` at `size` lives in storage.

    The short digest covers what shapes the output (width, quality, format), so changing
    any of them makes new files rather than serving stale ones.
    """
    fmt, extension = output_format()
    width = RENDITION_WIDTHS[size]
    digest = hashlib.sha256(f"{original_name}|{width}|{RENDITION_QUALITY}|{fmt}".encode()).hexdigest()[:8]
    stem, _ = posixpath.splitext(original_name)
    return f"{RENDITION_FOLDER}/{stem}-{size}-{digest}.{extension}"


def _cache_key(storage_name):
    return "rendition:" + hashlib.sha256(storage_name.encode()).hexdigest()


def get_rendition(field_file, size):
    """The rendition of an image at a named size, made on first use; None if there is none.

    A broken or missing original is logged and gives None, so a page shows no image
    rather than an error.
    """
    if size not in RENDITION_WIDTHS:
        raise ValueError(f"Unknown rendition size {size!r}; known: {', '.join(RENDITION_WIDTHS)}.")
    if not field_file:
        return None
    storage = field_file.storage
    name = rendition_name(field_file.name, size)
    key = _cache_key(name)
    if cached := cache.get(key):
        return Rendition(name, storage.url(name), *cached)
    try:
        if storage.exists(name):
            with storage.open(name) as stored, Image.open(stored) as image:
                dimensions = image.size
        else:
            dimensions = _make_rendition(field_file, name, RENDITION_WIDTHS[size])
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        logger.warning("Cannot make the %s rendition of %s", size, field_file.name, exc_info=True)
        return None
    cache.set(key, dimensions, timeout=None)
    return Rendition(name, storage.url(name), *dimensions)


def generate_renditions(field_file):
    """Make every named size now, so the first visitor does not wait for them."""
    return {size: get_rendition(field_file, size) for size in RENDITION_WIDTHS}


def _make_rendition(field_file, name, width):
    storage = field_file.storage
    fmt, _ = output_format()
    with storage.open(field_file.name) as original, Image.open(original) as image:
        # Phones store portraits sideways with an orientation tag: the rendition is made at the
        # stored orientation, at the size that is `width` wide once upright, then turned.
        transpose = ORIENTATION_TRANSPOSE.get(image.getexif().get(ExifTags.Base.Orientation))
        sideways = transpose in (
            Image.Transpose.TRANSPOSE,
            Image.Transpose.ROTATE_270,
            Image.Transpose.TRANSVERSE,
            Image.Transpose.ROTATE_90,
        )
        scale = min(1.0, width / (image.height if sideways else image.width))
        box = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        # Decode no larger than the rendition needs: a JPEG at 1/2, 1/4 or 1/8 scale.
        if image.format == "JPEG" and scale < 1:
            image.draft(None, box)
        if decoded_bytes(image) > max_decoded_bytes():
            raise ValueError(f"{field_file.name} would take {decoded_bytes(image)} bytes decoded")
        picture = image.resize(box, Image.Resampling.LANCZOS, reducing_gap=3.0) if scale < 1 else image
        if transpose is not None:
            picture = picture.transpose(transpose)
        picture = _for_output(picture, fmt)
        buffer = io.BytesIO()
        picture.save(buffer, fmt, quality=RENDITION_QUALITY, optimize=True)
    # Another process may have made it meanwhile; storages never overwrite, so save only once.
    if not storage.exists(name):
        saved = storage.save(name, ContentFile(buffer.getvalue()))
        if saved != name:  # pragma: no cover - a race lost to another process
            storage.delete(saved)
    return picture.size


def _for_output(image, fmt):
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    if fmt == "WEBP":
        return image.convert("RGBA" if has_alpha else "RGB")
    if has_alpha:
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        return background
    return image.convert("RGB")


def delete_renditions(storage, original_name):
    """Remove every rendition of an original, and forget their cached dimensions."""
    if not original_name:
        return
    for size in RENDITION_WIDTHS:
        name = rendition_name(original_name, size)
        cache.delete(_cache_key(name))
        if storage.exists(name):
            storage.delete(name)


def image_in_use(original_name):
    """Whether any row of the content app still refers to this stored image."""
    from django.apps import apps

    for model in apps.get_app_config("events").get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, ImageField):
                continue
            if model._default_manager.filter(**{field.name: original_name}).exists():
                return True
    return False


def release_image(storage, original_name):
    """Remove an original that nothing refers to any more, with its renditions.

    Called once the transaction that replaced or deleted it has committed, so a rolled-back
    change never loses a file.
    """
    if not original_name or image_in_use(original_name):
        return
    delete_renditions(storage, original_name)
    if storage.exists(original_name):
        storage.delete(original_name)
