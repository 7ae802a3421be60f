"""Photos: checked by their real content, cleaned of metadata, stored with resized variants."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import uuid
import warnings
from pathlib import Path

from flask import current_app
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from newsroom.models import Photo

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
VARIANT_WIDTHS = (320, 640, 1024, 1600)
# What a phone produces, with room to spare: a 4000x3000 JPEG is 3-8 MB and 12 megapixels.
MAX_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 40_000_000
PILImage.MAX_IMAGE_PIXELS = MAX_PIXELS
# nginx (www-data) serves photos straight from MEDIA_ROOT, so they are readable by every user
# whatever the umask; nothing else is kept under MEDIA_ROOT.
FILE_MODE = 0o644
FOLDER_MODE = 0o755
# A panorama is about 4:1; beyond 10:1 the resized variants would be a few pixels thin, and a
# 1600-wide variant of a 1:10 photo is 16,000 high, just within WebP's 16,383.
MAX_ASPECT = 10
LIMITS = "JPEG, PNG or WebP, up to 25 MB and 40 megapixels"


class PhotoRejected(ValueError):
    """The upload is not a photo we accept; the message says why, for the person who sent it."""


class StorageFull(OSError):
    """The media disk could not take the files; nothing was left behind."""


def open_photo(data: bytes) -> tuple[PILImage.Photo, str]:
    """Decode an upload fully, refusing anything but JPEG, PNG and WebP and any pixel bomb."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            image = PILImage.open(io.BytesIO(data))
            fmt = image.format
            if fmt not in ACCEPTED_FORMATS:
                raise PhotoRejected("Upload a JPEG, PNG or WebP photo.")
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRejected(_too_many_pixels(image.width, image.height))
            long_side, short_side = max(image.size), min(image.size)
            if long_side > MAX_ASPECT * short_side:
                raise PhotoRejected(
                    f"That image is {image.width}×{image.height} pixels: one side may be at "
                    f"most {MAX_ASPECT} times the other. Crop it and upload it again."
                )
            image.load()
        except PhotoRejected:
            raise
        except (
            PILImage.DecompressionBombError,
            PILImage.DecompressionBombWarning,
        ) as exc:
            raise PhotoRejected(
                "That image has too many pixels: photos can have up to 40 megapixels."
            ) from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            raise PhotoRejected("That file is not a complete JPEG, PNG or WebP photo.") from exc
    return image, fmt


def _too_many_pixels(width: int, height: int) -> str:
    megapixels = width * height / 1_000_000
    return (
        f"That image is {width}×{height} pixels ({megapixels:.0f} megapixels): photos can "
        "have up to 40 megapixels."
    )


def too_large_message(size: int | None = None) -> str:
    """What an editor reads when a photo is over the byte limit."""
    given = f"That file is {size / 1024 / 1024:.1f} MB; p" if size else "P"
    return f"{given}hotos can be up to {MAX_BYTES // 1024 // 1024} MB. Export a smaller JPEG."


def _clean(image: PILImage.Photo) -> PILImage.Photo:
    """Apply the EXIF orientation, then copy the pixels alone: no EXIF, GPS or other metadata."""
    image = ImageOps.exif_transpose(image)
    mode = "RGBA" if image.mode in ("RGBA", "LA", "P") and "transparency" in image.info else "RGB"
    if image.mode == "RGBA":
        mode = "RGBA"
    clean = PILImage.new(mode, image.size)
    clean.paste(image.convert(mode))
    return clean


def _encode(image: PILImage.Photo, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "jpg":
        flat = image
        if image.mode == "RGBA":
            flat = PILImage.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
        flat.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    elif fmt == "webp":
        image.save(buffer, "WEBP", quality=80, method=4)
    elif fmt == "png":
        image.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


def make_media_folder(directory: Path) -> None:
    """Create the media folder if it is missing, readable by the web server."""
    if not directory.is_dir():
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(FOLDER_MODE)


def make_readable_by_web_server(root: Path) -> None:
    """Give every folder and file under root the media modes (e.g. after a restore)."""
    for folder, _subfolders, files in os.walk(root):
        os.chmod(folder, FOLDER_MODE)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, FILE_MODE)


def _write_atomically(directory: Path, name: str, data: bytes) -> Path:
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".part-")
    try:
        os.fchmod(fd, FILE_MODE)  # mkstemp makes 0600, which nginx could not read
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        final = directory / name
        os.replace(tmp, final)
        return final
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def store_photo(data: bytes, *, alt: str, caption: str = "", credit: str = "") -> Photo:
    """Check, clean and store a photo and its variants; return the (unsaved) Photo row.

    Either every file is written or none is: on any failure the files written so far are removed.
    """
    if not alt or not alt.strip():
        raise PhotoRejected("Describe the photo in the alt text.")
    source, fmt = open_photo(data)
    image = _clean(source)
    key = uuid.uuid4().hex
    directory = Path(current_app.config["MEDIA_ROOT"])
    make_media_folder(directory)
    widths = sorted(
        {w for w in VARIANT_WIDTHS if w < image.width} | {min(image.width, VARIANT_WIDTHS[-1])}
    )
    written: list[Path] = []
    try:
        original_ext = ACCEPTED_FORMATS[fmt]
        written.append(
            _write_atomically(
                directory,
                f"{key}-original.{original_ext}",
                _encode(image, original_ext),
            )
        )
        for width in widths:
            height = round(image.height * width / image.width)
            # reducing_gap: shrink by whole factors first, then LANCZOS: as sharp, far faster.
            resized = image.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
            for variant_fmt in ("webp", "jpg"):
                name = f"{key}-{width}.{variant_fmt}"
                written.append(_write_atomically(directory, name, _encode(resized, variant_fmt)))
    except BaseException as exc:
        # Whatever went wrong (a full disk, an encoder refusing the pixels), leave no files.
        for path in written:
            path.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno is not None:
            raise StorageFull("The photo could not be stored; no space is left for media.") from exc
        if isinstance(exc, (OSError, ValueError)):
            raise PhotoRejected(
                "That photo could not be resized for the web; save it as a JPEG and try again."
            ) from exc
        raise
    return Photo(
        key=key,
        width=image.width,
        height=image.height,
        variant_widths=widths,
        alt=alt.strip(),
        caption=caption.strip(),
        credit=credit.strip(),
    )


def discard_photo(image: Photo) -> None:
    """Remove the files of a photo whose row could not be saved, so none are left orphaned."""
    directory = Path(current_app.config["MEDIA_ROOT"])
    for path in directory.glob(f"{image.key}-*"):
        path.unlink(missing_ok=True)
