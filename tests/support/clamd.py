"""A real clamd for the tests, and the EICAR test file it detects.

Registered in tests/conftest.py through `pytest_plugins`, so any test can ask for `clamd_server`
and point an app at it with `CLAMD_SOCKET=str(clamd_server.socket_path)`. What clamd reports
for EICAR is `portal.dev.clamd_server.EICAR_SIGNATURE`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# The EICAR test file, as the demo's infected document carries it.
from portal.demo.documents import eicar as eicar
from portal.dev.clamd_server import ClamdServer, start_clamd


@pytest.fixture(scope="session")
def clamd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClamdServer]:
    """One clamd per test worker, detecting EICAR and nothing else."""
    server = start_clamd(tmp_path_factory.mktemp("clamd"))
    yield server
    server.stop()
