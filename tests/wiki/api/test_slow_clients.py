"""A client that sends its body slowly holds no lock: every other write goes on meanwhile (issue 17, item 1).

The app is served by a real threaded server on a SQLite file. One API
write sends its body one byte every 0.1 s; while it trickles in, a login,
a web page save and another account's API write must all answer at once,
none of them with a 5xx.
"""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TEST_STORAGE
from tests.conftest import base_config
from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from tests.support.browser import LiveServer
from tests.support.speedups import share_template_code
from wiki import create_app
from wiki.auth import tokens
from wiki.db import Database
from wiki.db import utcnow

pytestmark = pytest.mark.sqlite_only  # SQLite's single write lock is what a slow client could hold

#: Seconds between two bytes of the slow body.
BYTE_DELAY = 0.1


@pytest.fixture
def served(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    """A live server on a SQLite file with a page, a contributor, an admin and their tokens."""
    target = tmp_path / "live.db"
    shutil.copyfile(sqlite_template, target)
    app = create_app(
        base_config(tmp_path / "instance")
        | TEST_STORAGE
        | {"DATABASE_URL": f"sqlite:///{target}", "SERVER_NAME": None, "SQLITE_BUSY_TIMEOUT_MS": 1500}
    )
    share_template_code(app)
    session = Database.new_session(app)
    camille = make_user(session, "Camille")
    admin = make_user(session, "Admine", role="admin")
    page = make_page(session, "Accueil", actor=admin)
    slow = tokens.create_token(session, camille, "lent")
    slow.token.last_used_at = utcnow()  # used a minute ago: nothing to record this time
    secrets = {"slow": slow.secret, "admin": tokens.create_token(session, admin, "admin").secret}
    session.commit()
    secrets["base"] = str(page.current_revision_id)
    session.close()
    with LiveServer(app) as server:
        yield server, secrets
    app.extensions["lieudit.search"].close()
    Database.engine(app).dispose()


def _slow_put(port: int, secret: str, body: bytes, answer: dict[str, Any]) -> None:
    """PUT ``body`` to the API one byte at a time; keep the status line in ``answer``."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        head = (
            "PUT /api/v1/pages/page-lente HTTP/1.1\r\n"
            "Host: 127.0.0.1\r\n"
            f"Authorization: Bearer {secret}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        )
        sock.sendall(head.encode("ascii"))
        for byte in body:
            sock.sendall(bytes([byte]))
            time.sleep(BYTE_DELAY)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    answer["status"] = int(received.split(b" ", 2)[1])


def _request(port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


def _form(**fields: str) -> tuple[bytes, dict[str, str]]:
    return urllib.parse.urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


def test_a_slow_api_body_blocks_no_other_write(served: tuple[LiveServer, dict[str, str]]) -> None:
    server, secrets = served
    body = json.dumps({"text": "Lente.\n"}).encode() + b" " * 6
    answer: dict[str, Any] = {}
    slow = threading.Thread(target=_slow_put, args=(server.port, secrets["slow"], body, answer), daemon=True)
    slow.start()
    time.sleep(0.4)  # the slow request is authenticated and reading its body

    started = time.monotonic()
    login = _request(server.port, "POST", "/-/connexion", *_form(name="Camille", password=PASSWORD))
    assert login.status == 302, login.status
    cookie = login.getheader("Set-Cookie").split(";", 1)[0]
    edit_body, edit_headers = _form(
        body="Texte enregistré pendant l'envoi lent.\n", comment="", base_revision_id=secrets["base"]
    )
    saved = _request(server.port, "POST", "/pages/accueil/edit", edit_body, edit_headers | {"Cookie": cookie})
    assert saved.status == 302, saved.status
    written = _request(
        server.port,
        "PUT",
        "/api/v1/pages/autre-page",
        json.dumps({"text": "Écrite par l'admin.\n"}).encode(),
        {"Authorization": f"Bearer {secrets['admin']}", "Content-Type": "application/json"},
    )
    assert written.status == 201, written.status
    elapsed = time.monotonic() - started

    assert slow.is_alive(), "the slow body should still be trickling in"
    assert elapsed < 1.0, f"the other writes waited {elapsed:.1f} s for the slow client"
    slow.join(timeout=30)
    assert answer["status"] == 201
