"""The app's request class: uploads are spooled to named temporary files."""

from __future__ import annotations

import io
import tempfile
from typing import IO

from flask import Request

# As Werkzeug's own default: smaller bodies stay in memory.
IN_MEMORY_BYTES = 500 * 1024


class UploadRequest(Request):
    """A file in a request over IN_MEMORY_BYTES goes to a temporary file with a name (Werkzeug's
    own has none), so the object store can send it to S3 from the disk in parts, instead of
    reading each part into memory (measured in bench/upload_memory.py: a worker's peak while
    taking a 25MB upload falls from about +35MB to +11MB, and the upload is no slower). The file
    is deleted when the request ends."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        if total_content_length is not None and total_content_length <= IN_MEMORY_BYTES:
            return io.BytesIO()
        return tempfile.NamedTemporaryFile("wb+")  # noqa: SIM115 - closed with the request
