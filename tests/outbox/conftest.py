import pytest
from aiosmtpd.controller import Controller

from tests.outbox.helpers import Inbox, free_port


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free port, keeping what it receives."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()
