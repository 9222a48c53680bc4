"""The app's request class: uploads are spooled to named temporary files, and no value with a
hidden control character reaches the code that reads it."""

from __future__ import annotations

import io
import re
import tempfile
from collections.abc import Iterator
from functools import cached_property
from typing import IO, Any

from flask import Request
from werkzeug.datastructures import CombinedMultiDict, ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest

# As Werkzeug's own default: smaller bodies stay in memory.
IN_MEMORY_BYTES = 500 * 1024


# Control characters (C0 but tab, line feed and carriage return; DEL; C1). None can be typed, and
# none means anything in an answer: NUL is refused by PostgreSQL (a 500 from any text field),
# the others are refused by XLSX exports, and they come only from pasting or tampering.
_HIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_hidden_characters(value: object) -> bool:
    return isinstance(value, str) and _HIDDEN.search(value) is not None


class HiddenCharacters(BadRequest):
    """A value read outside a form class (query-string filters, hand-read form fields) holds a
    control character. Forms built on BaseForm show a field error instead."""

    description = (
        "What was sent includes a hidden character (such as one copied with text from another "
        "program) that cannot be saved. Go back, retype the text you pasted, and try again."
    )


class CheckedMultiDict(ImmutableMultiDict[str, str]):
    """The query string's and the form's values. Reading a value that holds a control
    character raises HiddenCharacters, so every value any view or service reads is clean,
    whoever reads it. `unchecked` is for the base form, which turns them into field errors."""

    @cached_property
    def refused(self) -> frozenset[str]:
        return frozenset(
            key
            for key, values in dict.items(self)
            if has_hidden_characters(key) or any(has_hidden_characters(v) for v in values)
        )

    @property
    def unchecked(self) -> ImmutableMultiDict[str, str]:
        return ImmutableMultiDict(MultiDict((k, v) for k, vs in dict.items(self) for v in vs))

    def _check(self, key: str | None = None) -> None:
        if (key in self.refused) if key is not None else self.refused:
            raise HiddenCharacters()

    def __getitem__(self, key: str) -> str:
        self._check(key)
        return super().__getitem__(key)

    # werkzeug overloads these by `type`; Any stands for each of its overloads' types.
    def getlist(self, key: str, type: Any = None) -> Any:  # noqa: A002 - werkzeug's own name
        self._check(key)
        return super().getlist(key, type)

    def items(self, multi: bool = False) -> Any:
        self._check()
        return super().items(multi)

    def lists(self) -> Any:
        self._check()
        return super().lists()

    def values(self) -> Any:
        self._check()
        return super().values()

    def listvalues(self) -> Any:
        self._check()
        return super().listvalues()

    def to_dict(self, flat: bool = True) -> Any:
        self._check()
        return super().to_dict() if flat else super().to_dict(flat=False)

    def __iter__(self) -> Iterator[str]:
        self._check()
        return super().__iter__()


def unchecked(formdata: Any) -> Any:
    """The values as sent, for code that refuses hidden characters itself with a message on
    the field (the base form, the questionnaire's answer readers)."""
    if isinstance(formdata, CheckedMultiDict):
        return formdata.unchecked
    if isinstance(formdata, CombinedMultiDict):
        return CombinedMultiDict([unchecked(part) for part in formdata.dicts])
    return formdata


class UploadRequest(Request):
    """A file in a request over IN_MEMORY_BYTES goes to a temporary file with a name (Werkzeug's
    own has none), so the object store can send it to S3 from the disk in parts, instead of
    reading each part into memory (measured in bench/upload_memory.py: a worker's peak while
    taking a 25MB upload falls from about +35MB to +11MB, and the upload is no slower). The file
    is deleted when the request ends.

    The query string and form are CheckedMultiDicts: see HiddenCharacters."""

    parameter_storage_class = CheckedMultiDict

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
