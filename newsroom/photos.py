"""Photos: checked by their real content, cleaned of metadata, stored with resized variants and
crops around their focal point.

Every file is written atomically and every set of files completely or not at all. The crops are
made again (under new names: media files are cached as immutable) when the focal point moves."""

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
from PIL.ImageFile import ImageFile
from pillow_heif import register_heif_opener

from newsroom.models import Photo
from newsroom.models.photo import CROP_SHAPES, SOCIAL_WIDTH, crop_file_name
from newsroom.photo_metadata import FileDetails, read_details

# iPhones save HEIC (HEIF); pillow-heif teaches Pillow to open it. It is converted on upload: the
# original is kept as a JPEG and the variants are JPEG and WebP, which every browser shows.
register_heif_opener()
# The format Pillow reports -> the extension the cleaned original is kept under.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "HEIF": "jpg"}
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
LIMITS = "JPEG, PNG, WebP or HEIC, up to 25 MB and 40 megapixels"
# What the file input offers to choose (HEIC by extension too: browsers rarely know its type).
ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"


class PhotoRejected(ValueError):
    """The upload is not a photo we accept; the message says why, for the person who sent it."""


class StorageFull(OSError):
    """The media disk could not take the files; nothing was left behind."""


def open_photo(data: bytes) -> tuple[ImageFile, str]:
    """Decode an upload fully, refusing anything but JPEG, PNG, WebP and HEIC and any pixel bomb."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            image = PILImage.open(io.BytesIO(data))
            fmt = image.format
            if fmt not in ACCEPTED_FORMATS:
                raise PhotoRejected("Upload a JPEG, PNG, WebP or HEIC photo.")
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
            raise PhotoRejected(
                "That file is not a complete JPEG, PNG, WebP or HEIC photo."
            ) from exc
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


def _clean(image: ImageFile):
    """Apply the EXIF orientation, then copy the pixels alone: no EXIF, GPS or other metadata."""
    image = ImageOps.exif_transpose(image)
    mode = "RGBA" if image.mode in ("RGBA", "LA", "P") and "transparency" in image.info else "RGB"
    if image.mode == "RGBA":
        mode = "RGBA"
    clean = PILImage.new(mode, image.size)
    clean.paste(image.convert(mode))
    return clean


def _encode(image, fmt: str) -> bytes:
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


def read_photo(data: bytes) -> FileDetails:
    """The caption, credit, copyright and keywords written into an upload (it is checked first)."""
    source, _fmt = open_photo(data)
    return read_details(source)


def store_photo(
    data: bytes,
    *,
    alt: str,
    caption: str = "",
    credit: str = "",
    copyright: str = "",
    keywords: str = "",
) -> Photo:
    """Check, clean and store a photo, its variants and its crops; return the (unsaved) row.

    A field left empty takes what the file's IPTC/XMP metadata says; the files keep none of it.
    Either every file is written or none is: on any failure the files written so far are removed.
    """
    source, fmt = open_photo(data)
    found = read_details(source)
    given = {"alt": alt, "caption": caption, "credit": credit}
    given |= {"copyright": copyright, "keywords": keywords}
    fields = {name: (value or "").strip() or getattr(found, name) for name, value in given.items()}
    if not fields["alt"]:
        raise PhotoRejected("Describe the photo in the alt text.")
    image = _clean(source)
    key = uuid.uuid4().hex
    directory = Path(current_app.config["MEDIA_ROOT"])
    make_media_folder(directory)
    widths = _widths(image.width)
    written: list[Path] = []
    with _all_or_nothing(written):
        original_ext = ACCEPTED_FORMATS[fmt]
        name = f"{key}-original.{original_ext}"
        written.append(_write_atomically(directory, name, _encode(image, original_ext)))
        for width in widths:
            height = round(image.height * width / image.width)
            # reducing_gap: shrink by whole factors first, then LANCZOS: as sharp, far faster.
            resized = image.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
            for variant_fmt in ("webp", "jpg"):
                name = f"{key}-{width}.{variant_fmt}"
                written.append(_write_atomically(directory, name, _encode(resized, variant_fmt)))
        crop_tag, crop_widths = _write_crops(image, key, (0.5, 0.5), directory, written)
    return Photo(
        key=key,
        width=image.width,
        height=image.height,
        variant_widths=widths,
        crop_tag=crop_tag,
        crop_widths=crop_widths,
        focal_x=0.5,
        focal_y=0.5,
        **fields,
    )


def recrop_photo(photo: Photo, focal_x: float, focal_y: float) -> None:
    """Crop the photo again around a new focal point, into new files; the row points at them.

    The old crops stay on disk (pages cached before the save still name them): remove them with
    `remove_files` once the row is saved, or the new ones (`crop_files`) if it is not."""
    directory = Path(current_app.config["MEDIA_ROOT"])
    original = next(iter(sorted(directory.glob(f"{photo.key}-original.*"))), None)
    if original is None:
        raise PhotoRejected("The photo's original file is missing: upload the photo again.")
    with PILImage.open(original) as source:
        image = _clean(source)
    written: list[Path] = []
    with _all_or_nothing(written):
        tag, widths = _write_crops(image, photo.key, (focal_x, focal_y), directory, written)
    photo.focal_x, photo.focal_y = focal_x, focal_y
    photo.crop_tag, photo.crop_widths = tag, widths


def crop_box(width: int, height: int, shape: str, fx: float, fy: float) -> tuple[int, ...]:
    """The largest box of the shape inside the photo, centred on the focal point as far as the
    photo's edges allow: (left, top, right, bottom) in pixels."""
    across, down = CROP_SHAPES[shape]
    box_w = min(width, round(height * across / down))
    box_h = min(height, round(box_w * down / across))
    left = min(max(round(fx * width - box_w / 2), 0), width - box_w)
    top = min(max(round(fy * height - box_h / 2), 0), height - box_h)
    return left, top, left + box_w, top + box_h


def _widths(full_width: int) -> list[int]:
    """The variant widths for a picture this wide: each standard width it exceeds, and its own
    width (up to the largest standard one); never enlarged."""
    return sorted(
        {w for w in VARIANT_WIDTHS if w < full_width} | {min(full_width, VARIANT_WIDTHS[-1])}
    )


def _write_crops(image, key: str, focal, directory: Path, written: list[Path]):
    """Write every shape's crops at the usual widths, and the 1200-wide social image."""
    tag = uuid.uuid4().hex[:8]
    widths: dict[str, list[int]] = {}
    lanczos = PILImage.Resampling.LANCZOS
    for shape, (across, down) in CROP_SHAPES.items():
        box = crop_box(image.width, image.height, shape, *focal)
        widths[shape] = _widths(box[2] - box[0])
        for width in widths[shape]:
            size = (width, round(width * down / across))
            cropped = image.resize(size, lanczos, box=box, reducing_gap=3.0)
            for fmt in ("webp", "jpg"):
                name = crop_file_name(key, shape, tag, width, fmt)
                written.append(_write_atomically(directory, name, _encode(cropped, fmt)))
    # Social sites want 1200 wide whatever the photo: a smaller photo is enlarged for them alone.
    box = crop_box(image.width, image.height, "16x9", *focal)
    social = image.resize((SOCIAL_WIDTH, SOCIAL_WIDTH * 9 // 16), lanczos, box=box)
    name = crop_file_name(key, "og", tag, SOCIAL_WIDTH, "jpg")
    written.append(_write_atomically(directory, name, _encode(social, "jpg")))
    return tag, widths


@contextlib.contextmanager
def _all_or_nothing(written: list[Path]):
    """Whatever goes wrong (a full disk, an encoder refusing the pixels), leave no files."""
    try:
        yield
    except BaseException as exc:
        for path in written:
            path.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno is not None:
            raise StorageFull("The photo could not be stored; no space is left for media.") from exc
        if isinstance(exc, (OSError, ValueError)):
            raise PhotoRejected(
                "That photo could not be resized for the web; save it as a JPEG and try again."
            ) from exc
        raise


def crop_files(photo: Photo, tag: str | None = None) -> list[Path]:
    """The files of the photo's current crops (or of the set with this tag)."""
    tag = photo.crop_tag if tag is None else tag
    if not tag:
        return []
    return list(Path(current_app.config["MEDIA_ROOT"]).glob(f"{photo.key}-*-{tag}-*"))


def remove_files(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def discard_photo(image: Photo) -> None:
    """Remove every file of a photo: one whose row could not be saved, or was deleted."""
    directory = Path(current_app.config["MEDIA_ROOT"])
    for path in directory.glob(f"{image.key}-*"):
        path.unlink(missing_ok=True)
