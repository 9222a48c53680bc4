"""Virus scanning through clamd, the ClamAV daemon, over its socket protocol.

Works inside a Flask app context and reads its settings from `app.config`:

    CLAMD_SOCKET           path of clamd's unix socket, or
    CLAMD_HOST             host of clamd's TCP socket, with
    CLAMD_PORT             default 3310
    CLAMD_TIMEOUT_SECONDS  how long a whole scan may take, from connecting to the verdict

With neither CLAMD_SOCKET nor CLAMD_HOST set there is no scanner (`is_configured()` is False)
and the caller stores documents as "not scanned".

Files are sent with clamd's INSTREAM command in chunks, so a 25 MB upload never sits in memory
whole. clamd refuses streams longer than its `StreamMaxLength` (25M by default): set that above
MAX_UPLOAD_MB on the clamd the portal uses, or every large upload stays pending.
"""

from __future__ import annotations

import socket
import struct
import time
from dataclasses import dataclass
from typing import IO

from flask import current_app

CHUNK_SIZE = 64 * 1024

# Reaching clamd is quick or never: a short connect timeout means a scanner host that has gone
# away fails an upload in seconds, while a slow scan still gets CLAMD_TIMEOUT_SECONDS.
_CONNECT_TIMEOUT_SECONDS = 3


class _Deadline:
    """The moment a scan must be over by. A socket's timeout bounds one call; a scanner that
    reads a chunk now and then, or answers a byte at a time, would pass every one of them and
    hold the upload for ever: each call gets only what is left of the whole."""

    def __init__(self) -> None:
        self.seconds = current_app.config["CLAMD_TIMEOUT_SECONDS"]
        self.at = time.monotonic() + self.seconds

    def limit(self, sock: socket.socket) -> None:
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no verdict within {self.seconds}s")
        sock.settimeout(left)


# clamd's answers are one short line; anything longer is not clamd talking.
_MAX_REPLY_BYTES = 4096

_STREAM_PREFIX = "stream: "
_FOUND_SUFFIX = " FOUND"


class ScannerUnavailable(Exception):
    """clamd could not be reached, or answered something other than a verdict."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str | None  # what clamd found, e.g. "Win.Test.EICAR_HDB-1"; None when clean


def is_configured() -> bool:
    """Whether a scanner is set up (CLAMD_SOCKET or CLAMD_HOST)."""
    config = current_app.config
    return bool(config["CLAMD_SOCKET"] or config["CLAMD_HOST"])


def ping() -> None:
    """Raise ScannerUnavailable unless clamd answers PONG."""
    deadline = _Deadline()
    with _connect(deadline) as sock:
        try:
            deadline.limit(sock)
            sock.sendall(b"zPING\0")
            reply = _read_reply(sock, deadline)
        except OSError as exc:
            raise ScannerUnavailable(f"clamd at {_address()} did not answer: {exc}") from exc
    if reply != "PONG":
        raise ScannerUnavailable(f"clamd at {_address()} answered {reply!r} to PING")


def scan(fileobj: IO[bytes]) -> ScanResult:
    """Scan the rest of `fileobj` (from its current position) and say whether it is clean.

    The file is read CHUNK_SIZE bytes at a time and, if it is seekable, left at position 0 for
    the caller to store, whatever the outcome. Raises ScannerUnavailable when clamd cannot be
    reached or does not give a verdict (for example when the file is longer than clamd's
    StreamMaxLength); the caller then keeps the document pending.
    """
    deadline = _Deadline()
    try:
        with _connect(deadline) as sock:
            try:
                deadline.limit(sock)
                sock.sendall(b"zINSTREAM\0")
                while chunk := fileobj.read(CHUNK_SIZE):
                    deadline.limit(sock)
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                deadline.limit(sock)
                sock.sendall(struct.pack("!L", 0))
            except OSError as exc:
                # clamd hangs up mid-stream when it refuses one, but says why first.
                raise ScannerUnavailable(
                    f"clamd at {_address()} stopped reading the file: {exc}; "
                    f"it said {_reply_if_any(sock, deadline)!r}"
                ) from exc
            try:
                reply = _read_reply(sock, deadline)
            except OSError as exc:
                raise ScannerUnavailable(f"clamd at {_address()} gave no verdict: {exc}") from exc
    finally:
        if fileobj.seekable():
            fileobj.seek(0)
    return _verdict(reply)


def _verdict(reply: str) -> ScanResult:
    if reply == f"{_STREAM_PREFIX}OK":
        return ScanResult(clean=True, signature=None)
    if reply.startswith(_STREAM_PREFIX) and reply.endswith(_FOUND_SUFFIX):
        signature = reply.removeprefix(_STREAM_PREFIX).removesuffix(_FOUND_SUFFIX)
        return ScanResult(clean=False, signature=signature)
    raise ScannerUnavailable(f"clamd at {_address()} answered {reply!r} instead of a verdict")


def _address() -> str:
    config = current_app.config
    return config["CLAMD_SOCKET"] or f"{config['CLAMD_HOST']}:{config['CLAMD_PORT']}"


def _connect(deadline: _Deadline) -> socket.socket:
    config = current_app.config
    if not is_configured():
        raise ScannerUnavailable("No virus scanner is configured (CLAMD_SOCKET or CLAMD_HOST).")
    try:
        if config["CLAMD_SOCKET"]:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(min(_CONNECT_TIMEOUT_SECONDS, deadline.seconds))
                sock.connect(config["CLAMD_SOCKET"])
            except OSError:
                sock.close()
                raise
        else:
            sock = socket.create_connection(
                (config["CLAMD_HOST"], config["CLAMD_PORT"]),
                timeout=min(_CONNECT_TIMEOUT_SECONDS, deadline.seconds),
            )
    except OSError as exc:
        raise ScannerUnavailable(f"Could not connect to clamd at {_address()}: {exc}") from exc
    return sock


def _read_reply(sock: socket.socket, deadline: _Deadline) -> str:
    """clamd's answer to a z-command: text up to a NUL byte or the end of the connection."""
    reply = b""
    while b"\0" not in reply and len(reply) <= _MAX_REPLY_BYTES:
        deadline.limit(sock)
        data = sock.recv(_MAX_REPLY_BYTES)
        if not data:
            break
        reply += data
    return reply.partition(b"\0")[0].decode("utf-8", errors="replace").strip()


def _reply_if_any(sock: socket.socket, deadline: _Deadline) -> str:
    try:
        return _read_reply(sock, deadline)
    except OSError:
        return ""
