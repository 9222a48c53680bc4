"""A real clamd for the tests, and the EICAR test file it detects.

Registered in tests/conftest.py through `pytest_plugins`, so any test can ask for `clamd_server`
and point an app at it with `CLAMD_SOCKET=str(clamd_server.socket_path)`. What clamd reports
for EICAR is `portal.dev.clamd_server.EICAR_SIGNATURE`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from portal.dev.clamd_server import ClamdServer, start_clamd


def eicar() -> bytes:
    """The EICAR test file, built from two parts so that this file itself is not flagged."""
    return b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@pytest.fixture(scope="session")
def clamd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClamdServer]:
    """One clamd per test worker, detecting EICAR and nothing else."""
    server = start_clamd(tmp_path_factory.mktemp("clamd"))
    yield server
    server.stop()
