"""Images re-encoded with Pillow: what is stored is a new picture drawn from the pixels alone.

Metadata (EXIF with its GPS position, XMP, comments) is dropped, the camera's orientation
applied, the size capped, and a picture that would decode to more pixels than the limit (a
decompression bomb) is refused before it is decoded. The thumbnail is made here, once.
"""

import io
import warnings
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from forum.attachments.inspect import RefusedFile

FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


class Picture(NamedTuple):
    data: bytes
    width: int
    height: int
    thumbnail: bytes


def reencode(data, kind):
    """The image's pixels as a new file of the same type, and its thumbnail."""
    config = current_app.config
    limit = config["ATTACHMENT_IMAGE_MAX_PIXELS"]
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice it: here that is a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[FORMATS[kind]])
            if image.width * image.height > limit:
                raise RefusedFile(_("The picture is too large (%(width)d × %(height)d pixels).",
                                    width=image.width, height=image.height))  # fmt: skip
            image.load()
            image = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise RefusedFile(_("The picture is too large to be opened.")) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise RefusedFile(_("The picture is damaged: it could not be opened.")) from None
    image = _plain(image, kind)
    side = config["ATTACHMENT_IMAGE_MAX_SIDE"]
    if max(image.size) > side:
        image.thumbnail((side, side), Image.Resampling.LANCZOS)
    encoded = _encode(image, kind)
    small = image.copy()
    thumb_side = config["ATTACHMENT_THUMBNAIL_SIDE"]
    small.thumbnail((thumb_side, thumb_side), Image.Resampling.LANCZOS)
    return Picture(encoded, image.width, image.height, _encode(small, kind))


def _plain(image, kind):
    """The first frame's pixels in a mode the format takes, with no metadata kept."""
    if kind == "jpeg":
        wanted = "L" if image.mode in ("L", "1") else "RGB"
    elif image.mode in ("RGB", "RGBA", "L", "LA") and kind == "png":
        wanted = image.mode
    else:
        wanted = "RGBA" if "A" in image.mode or "transparency" in image.info else "RGB"
    clean = image.convert(wanted) if image.mode != wanted else image.copy()
    clean.info = {}
    return clean


def _encode(image, kind):
    output = io.BytesIO()
    options = {"optimize": True} if kind == "png" else {"quality": 85}
    image.save(output, FORMATS[kind], **options)
    return output.getvalue()
