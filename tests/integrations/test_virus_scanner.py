"""The virus scanner against a real clamd (no mocks): what clamd really answers is the point."""

from __future__ import annotations

import http.server
import io
import os
import socket
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import flask
import pytest

from portal.config import ConfigError, load_config
from portal.dev.clamd_server import (
    EICAR_SIGNATURE,
    ClamdServer,
    find_clamd_binary,
    start_clamd,
)
from portal.dev.seaweed import free_port
from portal.integrations import virus_scanner
from portal.integrations.virus_scanner import CHUNK_SIZE, ScannerUnavailable, ScanResult
from tests.core.test_config import PRODUCTION
from tests.support.clamd import eicar

DEVELOPMENT = {"SECRET_KEY": "a-development-secret-key-long-enough"}


def scanner_app(**settings) -> flask.Flask:
    """A bare app whose configuration comes from the environment variables given."""
    app = flask.Flask(__name__)
    app.config.update(load_config(DEVELOPMENT | settings))
    return app


@pytest.fixture
def over_socket(clamd_server: ClamdServer) -> Iterator[None]:
    with scanner_app(CLAMD_SOCKET=str(clamd_server.socket_path)).app_context():
        yield


class CountingReader(io.BytesIO):
    """A file that records how much each read asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.read_sizes: list[int | None] = []

    def read(self, size: int | None = -1) -> bytes:
        self.read_sizes.append(size)
        return super().read(size)


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# Verdicts -------------------------------------------------------------------------------------


def test_the_eicar_test_file_is_detected(over_socket: None) -> None:
    assert virus_scanner.scan(io.BytesIO(eicar())) == ScanResult(
        clean=False, signature=EICAR_SIGNATURE
    )


@pytest.mark.parametrize(
    "archive",
    [
        pytest.param(lambda: zipped({"policies/eicar.txt": eicar()}), id="zip"),
        pytest.param(
            lambda: zipped({"inner.zip": zipped({"word/eicar.com": eicar()})}), id="zip-in-zip"
        ),
    ],
)
def test_eicar_inside_a_zip_is_detected(over_socket: None, archive) -> None:
    result = virus_scanner.scan(io.BytesIO(archive()))
    assert result == ScanResult(clean=False, signature=EICAR_SIGNATURE)


def test_clean_data_passes_and_is_sent_in_chunks(over_socket: None) -> None:
    data = os.urandom(5 * 1024 * 1024 + 123)
    fileobj = CountingReader(data)

    assert virus_scanner.scan(fileobj) == ScanResult(clean=True, signature=None)

    assert max(fileobj.read_sizes) == CHUNK_SIZE
    assert all(size == CHUNK_SIZE for size in fileobj.read_sizes)  # never "read it all"
    assert len(fileobj.read_sizes) == len(data) // CHUNK_SIZE + 2  # every chunk, then the end
    assert fileobj.tell() == 0  # ready for the caller to store


def test_an_empty_file_is_clean(over_socket: None) -> None:
    assert virus_scanner.scan(io.BytesIO(b"")) == ScanResult(clean=True, signature=None)


def test_the_scan_starts_at_the_current_position_and_rewinds_to_the_start(
    over_socket: None,
) -> None:
    # The test signature is a hash of the whole EICAR file, so it matches only if the scan
    # starts exactly where EICAR does.
    header = b"already read by the caller\n"
    fileobj = io.BytesIO(header + eicar())

    assert virus_scanner.scan(fileobj).clean is True
    assert fileobj.tell() == 0

    fileobj.seek(len(header))
    assert virus_scanner.scan(fileobj).signature == EICAR_SIGNATURE
    assert fileobj.tell() == 0


def test_a_stream_that_cannot_seek_is_scanned(over_socket: None) -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, eicar())
    os.close(write_end)
    with open(read_end, "rb") as pipe:
        assert pipe.seekable() is False
        assert virus_scanner.scan(pipe).signature == EICAR_SIGNATURE


def test_ping_answers_when_clamd_is_up(over_socket: None) -> None:
    virus_scanner.ping()  # raises ScannerUnavailable otherwise


def test_clamd_over_tcp(tmp_path: Path) -> None:
    port = free_port()
    server = start_clamd(tmp_path / "clamd", tcp_port=port)
    try:
        with scanner_app(CLAMD_HOST="127.0.0.1", CLAMD_PORT=str(port)).app_context():
            virus_scanner.ping()
            assert virus_scanner.scan(io.BytesIO(eicar())).signature == EICAR_SIGNATURE
            assert virus_scanner.scan(io.BytesIO(b"%PDF-1.7\n")).clean is True
            server.stop()
            with pytest.raises(ScannerUnavailable, match=f"127.0.0.1:{port}"):
                virus_scanner.scan(io.BytesIO(b"%PDF-1.7\n"))
    finally:
        server.stop()


# When there is no verdict ---------------------------------------------------------------------


def test_a_stopped_clamd_raises_scanner_unavailable(tmp_path: Path) -> None:
    server = start_clamd(tmp_path / "clamd")
    server.stop()
    assert server.process.poll() is not None  # nothing left running
    fileobj = io.BytesIO(b"%PDF-1.7\n")

    # A long timeout, to show a stopped clamd fails at once rather than after it.
    app = scanner_app(
        CLAMD_SOCKET=str(server.socket_path),
        CLAMD_TIMEOUT_SECONDS="600",
        WORKER_TIMEOUT_SECONDS="1800",
    )
    with app.app_context():
        with pytest.raises(ScannerUnavailable, match="Could not connect to clamd at .*clamd.sock"):
            virus_scanner.scan(fileobj)
        with pytest.raises(ScannerUnavailable, match="Could not connect"):
            virus_scanner.ping()
    assert fileobj.tell() == 0


def test_a_file_longer_than_clamds_stream_limit_raises_scanner_unavailable(
    tmp_path: Path,
) -> None:
    server = start_clamd(tmp_path / "clamd", stream_max_bytes=1024 * 1024)
    try:
        fileobj = io.BytesIO(os.urandom(3 * 1024 * 1024))
        app = scanner_app(CLAMD_SOCKET=str(server.socket_path))
        with (
            app.app_context(),
            pytest.raises(ScannerUnavailable, match="INSTREAM size limit exceeded"),
        ):
            virus_scanner.scan(fileobj)
        assert fileobj.tell() == 0  # rewound even though clamd gave up part way
    finally:
        server.stop()


class _NotClamd(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        """Quiet: the garbage requests are the point of the test."""


@pytest.fixture
def some_other_service() -> Iterator[int]:
    """A real server that is not clamd (a web server), as a wrong CLAMD_PORT would reach."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotClamd)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join()


def test_something_other_than_clamd_on_the_port_raises_scanner_unavailable(
    some_other_service: int,
) -> None:
    port = some_other_service
    app = scanner_app(CLAMD_HOST="127.0.0.1", CLAMD_PORT=str(port), CLAMD_TIMEOUT_SECONDS="1")
    with app.app_context():
        # The web server waits for the end of a request line that PING never sends.
        with pytest.raises(ScannerUnavailable, match=f"127.0.0.1:{port} did not answer"):
            virus_scanner.ping()
        # Given a line break in the file, it answers "400 Bad request" and hangs up.
        with pytest.raises(ScannerUnavailable, match=f"127.0.0.1:{port}"):
            virus_scanner.scan(io.BytesIO(b"%PDF-1.7\n"))


def test_scanning_without_a_scanner_configured_raises_scanner_unavailable() -> None:
    with (
        scanner_app().app_context(),
        pytest.raises(ScannerUnavailable, match="No virus scanner is configured"),
    ):
        virus_scanner.scan(io.BytesIO(b"%PDF-1.7\n"))


# Configuration --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "configured"),
    [
        ({}, False),
        ({"CLAMD_SOCKET": "  "}, False),
        ({"CLAMD_SOCKET": "/run/clamav/clamd.ctl"}, True),
        ({"CLAMD_HOST": "clamav.internal"}, True),
    ],
)
def test_is_configured_follows_the_configuration(settings: dict, configured: bool) -> None:
    with scanner_app(**settings).app_context():
        assert virus_scanner.is_configured() is configured


def test_clamd_settings_are_read_with_defaults() -> None:
    config = load_config(DEVELOPMENT | {"CLAMD_HOST": "clamav.internal"})
    assert config["CLAMD_SOCKET"] is None
    assert config["CLAMD_HOST"] == "clamav.internal"
    assert config["CLAMD_PORT"] == 3310
    # Well inside gunicorn's worker timeout (its default, 30 seconds): see below.
    assert config["WORKER_TIMEOUT_SECONDS"] == 30
    assert config["CLAMD_TIMEOUT_SECONDS"] == 10


@pytest.mark.parametrize(("worker", "scan"), [("3", 1), ("9", 3), ("30", 10), ("120", 10)])
def test_the_scan_timeout_follows_the_worker_timeout(worker: str, scan: int) -> None:
    """A scan may take at most a third of the time gunicorn gives a request, so that a slow
    scanner leaves the upload time to be stored and answered (as pending)."""
    config = load_config(DEVELOPMENT | {"WORKER_TIMEOUT_SECONDS": worker})
    assert config["CLAMD_TIMEOUT_SECONDS"] == scan


def test_a_scan_timeout_not_well_inside_the_worker_timeout_stops_the_start() -> None:
    with pytest.raises(ConfigError, match="CLAMD_TIMEOUT_SECONDS must be at most a third of"):
        load_config(DEVELOPMENT | {"CLAMD_TIMEOUT_SECONDS": "30"})
    with pytest.raises(ConfigError, match=r"WORKER_TIMEOUT_SECONDS \(60\), so 20 at most, not 21"):
        load_config(DEVELOPMENT | {"CLAMD_TIMEOUT_SECONDS": "21", "WORKER_TIMEOUT_SECONDS": "60"})
    config = load_config(
        DEVELOPMENT | {"CLAMD_TIMEOUT_SECONDS": "20", "WORKER_TIMEOUT_SECONDS": "60"}
    )
    assert config["CLAMD_TIMEOUT_SECONDS"] == 20


def test_production_refuses_to_start_without_a_virus_scanner() -> None:
    without = PRODUCTION | {"CLAMD_HOST": "", "CLAMD_SOCKET": ""}
    with pytest.raises(ConfigError, match="^CLAMD_SOCKET or CLAMD_HOST must be set in production"):
        load_config(without)
    with pytest.raises(ConfigError, match="^CLAMD_SOCKET or CLAMD_HOST must be set"):
        load_config(without | {"ALLOW_UNSCANNED_FILES": "false"})
    # Only when the council has said, explicitly, that it accepts files no scanner has checked.
    assert load_config(without | {"ALLOW_UNSCANNED_FILES": "true"})["ALLOW_UNSCANNED_FILES"]
    assert load_config(PRODUCTION)["ALLOW_UNSCANNED_FILES"] is False
    # Development runs without a scanner unless told otherwise.
    assert load_config(DEVELOPMENT)["ALLOW_UNSCANNED_FILES"] is True


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"CLAMD_SOCKET": "/run/clamav/clamd.ctl", "CLAMD_HOST": "clamav.internal"},
            "CLAMD_SOCKET and CLAMD_HOST must not both be set",
        ),
        ({"CLAMD_PORT": "clamd"}, "CLAMD_PORT must be a whole number, not 'clamd'"),
        ({"CLAMD_PORT": "70000"}, "CLAMD_PORT must be at most 65535, not 70000"),
        ({"CLAMD_TIMEOUT_SECONDS": "0"}, "CLAMD_TIMEOUT_SECONDS must be at least 1, not 0"),
    ],
)
def test_a_malformed_clamd_setting_is_named(settings: dict, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(DEVELOPMENT | settings)
    assert str(error.value).startswith(message)


# Starting clamd -------------------------------------------------------------------------------


def test_the_clamd_binary_is_installed() -> None:
    assert os.access(find_clamd_binary(), os.X_OK)


def test_start_clamd_reports_a_tcp_port_in_use(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(RuntimeError, match=f"Cannot bind to \\[127.0.0.1\\]:{port}"):
            start_clamd(tmp_path / "clamd", tcp_port=port)
    assert not (tmp_path / "clamd" / "clamd.sock").exists()  # and it was stopped


def test_start_clamd_refuses_a_socket_path_too_long_for_unix(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="too long for a unix socket"):
        start_clamd(tmp_path / ("d" * 120))


def test_start_clamd_reports_why_clamd_would_not_start(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="Incorrect argument format for option StreamMaxLength"):
        start_clamd(tmp_path / "clamd", stream_max_bytes=-1)
