"""Images are kept as the portal re-encodes them, never as sent.

Decoding an image and encoding its pixels again keeps the picture and drops everything else a
file can carry: a script or an archive after the image's end (a polyglot that a browser or an
unzip program reads as something else), EXIF metadata (a phone photo's GPS position), comments
and colour profiles. The size declared in the header is checked before anything is decoded, so a
small file that claims a vast image (a decompression bomb) is refused without using the memory.
"""

from __future__ import annotations

import warnings
from typing import IO

from PIL import Image, ImageOps

from portal.documents import file_types

# A 48 megapixel phone photo fits; decoded, this is about 150MB of memory.
MAX_IMAGE_PIXELS = 50_000_000
JPEG_QUALITY = 90

TOO_BIG = (
    "The selected image is too large (more than 50 megapixels): make it smaller, or save it as "
    "a PDF, and try again"
)
DAMAGED = "The selected file is not a working {}: it is damaged"


def reencode_image(stream: IO[bytes], file_type: file_types.FileType) -> int:
    """Replace the image in `stream` (Werkzeug's writable spool of the upload) with its pixels
    encoded again in the same format; its new size. Raises UploadRefused."""
    pillow_format = "JPEG" if file_type is file_types.JPEG else "PNG"
    try:
        with warnings.catch_warnings():
            # Pillow warns before its own, higher, limit; the limit here is checked below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(stream, formats=[pillow_format])
        with image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise file_types.UploadRefused(TOO_BIG)
            image.load()
            # A photo's EXIF may say it was taken sideways: turn the pixels before the EXIF
            # that said so is dropped.
            upright = ImageOps.exif_transpose(image)
        picture = _for_format(upright, pillow_format)
        # Pillow writes some of what it read back out (a JPEG's comment, a colour profile):
        # nothing but the pixels goes.
        picture.info = {}
        stream.seek(0)
        stream.truncate()
        if pillow_format == "JPEG":
            picture.save(stream, "JPEG", quality=JPEG_QUALITY)
        else:
            picture.save(stream, "PNG")
    except file_types.UploadRefused:
        raise
    except Image.DecompressionBombError:
        raise file_types.UploadRefused(TOO_BIG) from None
    except Exception:
        # A hostile image can make a decoder raise anything: what cannot be decoded is not kept.
        raise file_types.UploadRefused(DAMAGED.format(file_type.name)) from None
    size = stream.tell()
    stream.seek(0)
    return size


def _for_format(image: Image.Image, pillow_format: str) -> Image.Image:
    """The pixels in a mode the format can save, with transparency kept where it can be."""
    if pillow_format == "JPEG":
        return image if image.mode in ("L", "RGB") else image.convert("RGB")
    return image if image.mode in ("1", "L", "LA", "RGB", "RGBA") else image.convert("RGBA")
