"""`flask dev serve` starts a local clamd when clamd is installed, so uploads on a developer's
machine are virus-checked as in production (against a database that knows only EICAR)."""

from __future__ import annotations

from portal.dev.cli import start_virus_scanner
from portal.documents.files import VIRUS_MESSAGE
from tests.documents import corpus
from tests.documents.helpers import client_of, only_document, upload
from tests.support.pages import page_errors


def test_a_local_clamd_is_started_and_checks_uploads(
    make_app, provider, organisation, tmp_path_factory, capsys
):
    app = make_app()  # as `flask dev serve` finds it: no scanner configured
    with app.app_context():
        scanner = start_virus_scanner(tmp_path_factory.mktemp("dev-clamd"))
    try:
        assert "Virus scanner (clamd, detecting the EICAR test file) started" in (
            capsys.readouterr().out
        )
        assert app.config["CLAMD_SOCKET"] == str(scanner.socket_path)
        client = client_of(app, provider)

        refused = upload(client, organisation, "policy.docx", corpus.docx_with_eicar())
        upload(client, organisation, "policy.pdf")

        assert page_errors(refused) == {"file": VIRUS_MESSAGE}
        assert only_document().current.file.scan_state == "clean"
    finally:
        scanner.stop()


def test_a_scanner_configured_already_is_used_as_it_is(make_app, clamd_server, tmp_path, capsys):
    socket = str(clamd_server.socket_path)
    app = make_app(CLAMD_SOCKET=socket)

    with app.app_context():
        assert start_virus_scanner(tmp_path) is None

    assert capsys.readouterr().out == f"Virus scanner: clamd at {socket}.\n"
    assert app.config["CLAMD_SOCKET"] == socket
    assert list(tmp_path.iterdir()) == []
