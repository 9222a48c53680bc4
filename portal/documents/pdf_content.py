"""What a PDF can hide, found by reading it as a PDF reader would.

A PDF is refused when it is cut short, is also another kind of file, is encrypted (the virus
scanner cannot read inside it), cannot be parsed by pypdf (damaged), or holds anything that runs
or carries other files: scripts, launch, form submission and data import actions, embedded files,
rich media, and annotations that play media or carry files. The objects are walked as pypdf
parses them, so names spelt in #xx escapes and objects packed in compressed object streams are
seen as a reader sees them. A quick scan of the raw bytes runs first: it also sees objects that
no reference reaches.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from typing import IO

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from portal.documents import file_types

CHUNK_BYTES = 1024 * 1024
# A PDF ends with %%EOF (after any incremental updates); allow trailing whitespace.
TAIL_BYTES = 1024
# Names that run code or carry other files, for the raw scan. A name may spell any character as
# #xx (/J#61vaScript), so each is matched either way. Short names are left out (/JS, /XFA): a
# few bytes turn up by chance in the compressed streams of ordinary PDFs; the parsed walk below
# checks them as keys.
_RAW_NAMES = ("JavaScript", "Launch", "EmbeddedFile", "RichMedia", "SubmitForm")
OVERLAP = 64

# Actions a reader may run from a link, a page or the document's opening without running code,
# fetching data or opening anything but a web link. Every other action type is refused.
SAFE_ACTIONS = frozenset(
    "/" + name
    for name in ("GoTo", "URI", "Named", "Thread", "SetOCGState", "Hide", "Trans", "ResetForm")
)
# Action types refused wherever a dictionary names them, even where no reader would look for
# an action: they run scripts, programs or media, send or load data, or open other files.
HARMFUL_ACTIONS = frozenset(
    "/" + name
    for name in (
        "JavaScript",
        "Launch",
        "SubmitForm",
        "ImportData",
        "Rendition",
        "RichMediaExecute",
        "GoToE",
        "GoToR",
        "Movie",
        "Sound",
        "GoTo3DView",
    )
)
# Keys whose presence means scripts, attached files, rich media or XML forms (which script).
HARMFUL_KEYS = frozenset(
    "/" + name
    for name in (
        "JS",
        "JavaScript",
        "EmbeddedFiles",
        "EmbeddedFile",
        "EF",
        "RichMediaContent",
        "RichMediaSettings",
        "RichMediaExecute",
        "XFA",
    )
)
HARMFUL_TYPES = frozenset({"/EmbeddedFile", "/RichMediaContent"})
# Annotations that play media, run 3D scenes (which script) or carry a file.
HARMFUL_ANNOTATIONS = frozenset(
    "/" + name for name in ("FileAttachment", "RichMedia", "Screen", "Movie", "Sound", "3D")
)
# pypdf reads a few thousand objects a second: more objects than this would keep the upload past
# the web server's timeout. A thousand-page report has about twenty thousand.
MAX_OBJECTS = 50_000
# Keys whose value is an action (or, for /AA, a dictionary of them).
ACTION_KEYS = frozenset({"/A", "/OpenAction", "/Next", "/PA"})


def _raw_name(name: str) -> bytes:
    return b"/" + b"".join(
        b"(?:%s|#%02x|#%02X)" % (re.escape(char.encode()), ord(char), ord(char)) for char in name
    )


# Two patterns, not one alternation: each keeps re's fast scan for its first character, which
# makes the scan of a 25MB PDF about ten times quicker.
RAW_ACTIVE_CONTENT = (
    re.compile(b"|".join(_raw_name(name) for name in _RAW_NAMES)),
    re.compile(rb"(?i:<script)"),  # HTML that a browser would run, in a PDF/HTML polyglot
)

TRUNCATED = (
    "The selected file is not a complete PDF: it may have been cut short. Save the PDF again "
    "and upload the new copy"
)
HARMFUL = (
    "The selected PDF contains scripts, attached files or other content that could be harmful: "
    "save it as a new PDF without them (for example, print it to PDF) and try again"
)
ENCRYPTED = (
    "The selected PDF is password protected or encrypted, so it cannot be checked for viruses: "
    "save a copy without a password (for example, print it to PDF) and try again"
)
DAMAGED = "The selected file is not a working PDF: it is damaged"
TOO_MANY_OBJECTS = (
    f"The selected PDF is made of more than {MAX_OBJECTS:,} parts, which is too many to check: "
    "split it into smaller files and try again"
)


def check_pdf(stream: IO[bytes], size: int) -> None:
    """Raise UploadRefused unless `stream` is a complete, readable PDF with nothing active."""
    stream.seek(max(0, size - TAIL_BYTES))
    tail = stream.read()
    end = tail.rfind(b"%%EOF")
    if end == -1 or tail[end + 5 :].strip(b" \t\r\n\x00"):
        raise file_types.UploadRefused(TRUNCATED)
    stream.seek(0)
    # A PDF that is also a zip (the two formats read from opposite ends of a file) is two files
    # in one: whatever opens it decides which it sees.
    if zipfile.is_zipfile(stream):
        raise file_types.UploadRefused(HARMFUL)
    stream.seek(0)
    _scan_raw(stream)
    stream.seek(0)
    try:
        problem = _parse_and_walk(stream)
    finally:
        stream.seek(0)
    if problem:
        raise file_types.UploadRefused(problem)


def _scan_raw(stream: IO[bytes]) -> None:
    carried = b""
    while chunk := stream.read(CHUNK_BYTES):
        window = carried + chunk
        if any(pattern.search(window) for pattern in RAW_ACTIVE_CONTENT):
            raise file_types.UploadRefused(HARMFUL)
        carried = window[-OVERLAP:]


def _parse_and_walk(stream: IO[bytes]) -> str | None:
    """The refusal message for the PDF in `stream`, or None if it may be kept."""
    # pypdf warns about the small faults readers forgive; they are not the person's problem.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted:
                return ENCRYPTED
            if reader.trailer.get("/Root") is None:
                return DAMAGED
            listed = sum(len(numbers) for numbers in reader.xref.values())
            if listed + len(reader.xref_objStm) > MAX_OBJECTS:
                return TOO_MANY_OBJECTS
            return HARMFUL if _finds_active_content(reader) else None
        except Exception:
            # A hostile PDF can make a parser raise anything (recursion, bad numbers, bad
            # compressed data): what pypdf cannot read, the portal does not keep.
            return DAMAGED


def _finds_active_content(reader: PdfReader) -> bool:
    """Walk every object the trailer reaches, and every object the cross-reference lists
    (compressed object streams included), looking at each dictionary as a reader would."""
    roots: list[tuple[object, bool]] = [(reader.trailer, False)]
    for generation, numbers in reader.xref.items():
        roots += [(IndirectObject(number, generation, reader), False) for number in numbers]
    roots += [(IndirectObject(number, 0, reader), False) for number in reader.xref_objStm]
    seen: set[tuple[int, int, bool]] = set()
    stack = roots
    while stack:
        item, is_action = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation, is_action)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, ArrayObject):
            # /Next may hold an array of actions; arrays elsewhere hold no actions.
            stack += [(each, is_action) for each in item]
        elif isinstance(item, DictionaryObject):
            if _is_harmful(item, is_action):
                return True
            for name, value in item.items():
                if name == "/AA" and isinstance(value.get_object(), DictionaryObject):
                    stack += [(action, True) for action in value.get_object().values()]
                else:
                    stack.append((value, name in ACTION_KEYS))
    return False


def _is_harmful(dictionary: DictionaryObject, is_action: bool) -> bool:
    if HARMFUL_KEYS.intersection(dictionary.keys()):
        return True
    kind = dictionary.get("/S")
    if isinstance(kind, NameObject):
        if kind in HARMFUL_ACTIONS:
            return True
        if (is_action or dictionary.get("/Type") == "/Action") and kind not in SAFE_ACTIONS:
            return True
    if dictionary.get("/Type") in HARMFUL_TYPES:
        return True
    # Annotations need not say /Type /Annot; no other dictionary uses these subtypes.
    return dictionary.get("/Subtype") in HARMFUL_ANNOTATIONS
