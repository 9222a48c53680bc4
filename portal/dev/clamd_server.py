"""Start and stop a real clamd (Debian's clamav-daemon package) for development and tests.

The virus scanner is tested against the real daemon rather than a mock, so the INSTREAM
protocol, archive unpacking and clamd's own limits behave as they will in production. Its
signature database is generated: one MD5 signature for the EICAR test file, because freshclam
may not reach the internet and the official databases take seconds to load and ~1 GB of memory.
With it clamd starts in a few hundredths of a second and uses about 20 MB. Nothing here runs
at import time, and the system's clamd configuration and service are never touched.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from portal.dev.seaweed import log_tail
from portal.integrations import virus_scanner

# The EICAR test file (https://www.eicar.org) is known by its hash, so its text, which scanners
# flag, never appears in this repository's code.
EICAR_MD5 = "44d88612fea8a8f36de82e1278abb02f"
EICAR_SIZE = 68
EICAR_SIGNATURE_NAME = "Eicar-Test-Signature"
# clamd marks signatures from outside the official databases like this in what it reports.
EICAR_SIGNATURE = f"{EICAR_SIGNATURE_NAME}.UNOFFICIAL"

# Above the portal's largest upload (MAX_UPLOAD_MB, 25 by default), which clamd's own default
# of 25M would refuse at the limit.
DEFAULT_STREAM_MAX_BYTES = 100 * 1024 * 1024

# A unix socket path must fit in sockaddr_un.sun_path (108 bytes, NUL included).
_MAX_SOCKET_PATH = 107


def find_clamd_binary() -> str:
    """Path of the `clamd` executable installed by the clamav-daemon package."""
    # /usr/sbin is not on every user's PATH.
    found = shutil.which("clamd") or shutil.which("clamd", path="/usr/sbin")
    if found:
        return found
    raise FileNotFoundError(
        "ClamAV's 'clamd' not found on PATH or in /usr/sbin; "
        "install it with `apt-get install clamav-daemon`."
    )


@dataclass
class ClamdServer:
    socket_path: Path
    process: subprocess.Popen[bytes]
    directory: Path
    log_path: Path
    tcp_port: int | None = None

    def stop(self) -> None:
        """Stop clamd and wait for it; safe to call more than once."""
        # SIGTERM: clamd exits at once and removes its socket and pid file.
        with contextlib.suppress(ProcessLookupError):
            self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def write_test_database(database_dir: Path) -> None:
    """A signature database that detects the EICAR test file and nothing else."""
    database_dir.mkdir(parents=True, exist_ok=True)
    (database_dir / "eicar.hdb").write_text(f"{EICAR_MD5}:{EICAR_SIZE}:{EICAR_SIGNATURE_NAME}\n")


def _clamd_conf(
    directory: Path, socket_path: Path, tcp_port: int | None, stream_max_bytes: int
) -> str:
    lines = [
        # In the foreground clamd stays our child, so stop() can end it and nothing outlives us.
        "Foreground yes",
        f"LocalSocket {socket_path}",
        f"DatabaseDirectory {directory / 'database'}",
        f"PidFile {directory / 'clamd.pid'}",
        f"TemporaryDirectory {directory}",
        f"StreamMaxLength {stream_max_bytes}",
        # Past any of its limits (archive depth, file size, files in an archive) clamd stops
        # looking and says the file is clean: report it instead (Heuristics.Limits.Exceeded).
        "AlertExceedsMax yes",
        # No LogFile and no LogSyslog: clamd's messages go to its stdout, our log file.
        "LogSyslog no",
        # The database never changes while it runs; no need to look every 10 minutes.
        "SelfCheck 0",
    ]
    if tcp_port is not None:
        lines += [f"TCPSocket {tcp_port}", "TCPAddr 127.0.0.1"]
    return "\n".join(lines) + "\n"


def start_clamd(
    directory: Path,
    *,
    tcp_port: int | None = None,
    stream_max_bytes: int = DEFAULT_STREAM_MAX_BYTES,
    timeout: float = 30,
) -> ClamdServer:
    """Start clamd with the EICAR-only database, its socket in `directory`; wait for PONG.

    `tcp_port` also opens a TCP socket on 127.0.0.1 (off otherwise). clamd runs as the current
    user, root included: no `User` line, so it never switches to the clamav account.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    socket_path = directory / "clamd.sock"
    if len(str(socket_path)) > _MAX_SOCKET_PATH:
        raise ValueError(f"{socket_path} is too long for a unix socket; use a shorter directory.")
    write_test_database(directory / "database")
    conf_path = directory / "clamd.conf"
    conf_path.write_text(_clamd_conf(directory, socket_path, tcp_port, stream_max_bytes))
    log_path = directory / "clamd.log"

    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [find_clamd_binary(), "--config-file", str(conf_path)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=directory,
            # A Ctrl+C in the terminal goes to our process only, which then calls stop().
            start_new_session=True,
        )
    server = ClamdServer(
        socket_path=socket_path,
        process=process,
        directory=directory,
        log_path=log_path,
        tcp_port=tcp_port,
    )

    # The scanner's own ping, so "ready" means exactly what the portal will rely on.
    deadline = time.monotonic() + timeout
    try:
        with _probe_app(CLAMD_SOCKET=str(socket_path)).app_context():
            while True:
                returncode = process.poll()
                if returncode is not None:
                    # e.g. a malformed config line or an unreadable database.
                    raise RuntimeError(
                        f"clamd exited with code {returncode} before answering "
                        f"(log {log_path}):\n{log_tail(log_path)}"
                    )
                try:
                    virus_scanner.ping()
                    break
                except virus_scanner.ScannerUnavailable as exc:
                    last_error = exc
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"clamd at {socket_path} did not answer PING after {timeout}s "
                        f"(last error: {last_error}; log {log_path}):\n{log_tail(log_path)}"
                    )
                time.sleep(0.02)
        if tcp_port is not None:
            # clamd opens its sockets before it loads the database, and carries on without the
            # TCP one if the port is taken (it only logs the error), so check it answers too.
            with _probe_app(CLAMD_HOST="127.0.0.1", CLAMD_PORT=tcp_port).app_context():
                try:
                    virus_scanner.ping()
                except virus_scanner.ScannerUnavailable as exc:
                    raise RuntimeError(
                        f"clamd is not answering on TCP port {tcp_port} ({exc}; "
                        f"log {log_path}):\n{log_tail(log_path)}"
                    ) from exc
    except BaseException:
        server.stop()
        raise
    return server


def _probe_app(**config: object) -> Flask:
    """A bare app holding just the scanner's settings, so start_clamd can use its ping."""
    app = Flask(__name__)
    app.config.update(
        {"CLAMD_SOCKET": None, "CLAMD_HOST": None, "CLAMD_PORT": 3310, "CLAMD_TIMEOUT_SECONDS": 1}
        | config
    )
    return app
