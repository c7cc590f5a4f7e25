"""A served instance killed (``kill -9``) during page saves and uploads loses no acknowledged write (issue 17, G4).

The reduced form of ``bench/reliability_crash.py``, run by ``.ci/run``:
``gunicorn -w 2`` on an instance made by ``lieudit init`` (SQLite, the
defaults); one client saves a page, another attaches files, until a few of
each are acknowledged; then the master and its workers get SIGKILL together
while both go on. After it, ``integrity_check`` and ``foreign_key_check`` are
clean and every acknowledged save and file is there; served again, the search
outbox is applied and ``lieudit search check`` finds the index equal to the
database.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.parse

from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from tests.support.nodes import LIEUDIT
from tests.support.nodes import free_port
from tests.support.nodes import serve_with_gunicorn
from tests.support.nodes import sqlite_instance
from wiki import create_app
from wiki.db import Database


class _Browser:
    """One keep-alive connection and its cookies."""

    def __init__(self, port: int) -> None:
        self.port, self.cookies = port, {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send(self, method: str, path: str, body: bytes = b"", kind: str = "") -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if kind:
            headers["Content-Type"] = kind
        self.conn.request(method, path, body=body or None, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode(errors="replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, text

    def fields(self, path: str) -> tuple[dict[str, str], str]:
        html = self.send("GET", path)[1]
        return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)), html

    def post(self, path: str, fields: dict[str, str]) -> int:
        return self.send("POST", path, urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded")[0]

    def login(self, name: str) -> None:
        assert self.post("/-/connexion", self.fields("/-/connexion")[0] | {"name": name, "password": PASSWORD}) == 302


def test_acknowledged_saves_and_files_survive_a_kill_of_master_and_workers(tmp_path):
    instance = tmp_path / "instance"
    env = sqlite_instance(instance)
    app = create_app({"INSTANCE_PATH": str(instance), "SEARCH_INDEX_IN_BACKGROUND": False})
    with Database.new_session(app) as db:
        author = make_user(db, "Camille", role="moderator")  # no save limit: the loop is faster than a person
        make_page(db, "Carnet", "".join(f"Ligne {n}.\n" for n in range(10)), actor=author)
        db.commit()
    app.extensions["lieudit.search"].close()
    Database.engine(app).dispose()
    port = free_port()

    server = serve_with_gunicorn(env, port)
    saved: list[str] = []
    attached: list[tuple[str, str]] = []
    stop = threading.Event()

    def saver() -> None:
        browser, count = _Browser(port), 0
        browser.login("Camille")
        while not stop.is_set():
            count += 1
            fields, html = browser.fields("/pages/carnet/edit")
            text = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", html, re.S).group(1)
            lines = text.replace("&#39;", "'").split("\n")
            lines[count % 10] = f"Note numéro {count}."
            base = re.search(r'name="base_revision_id" value="(\d+)"', html).group(1)
            if browser.post("/pages/carnet/edit", fields | {"body": "\n".join(lines), "base_revision_id": base}) == 302:
                saved.append(f"Note numéro {count}.")

    def uploader() -> None:
        browser, count = _Browser(port), 0
        browser.login("Camille")
        while not stop.is_set():
            count += 1
            name, data = f"piece-{count}.txt", f"Pièce {count}\n".encode() * 100
            fields = browser.fields("/pages/carnet/files")[0]
            boundary = "limite-du-formulaire"
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                for k, v in fields.items()
            ]
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                         f"Content-Type: text/plain\r\n\r\n".encode() + data + f"\r\n--{boundary}--\r\n".encode())  # fmt: skip
            kind = f"multipart/form-data; boundary={boundary}"
            if browser.send("POST", "/pages/carnet/files", b"".join(parts), kind)[0] == 302:
                attached.append((name, hashlib.sha256(data).hexdigest()))

    def guarded(work) -> None:
        try:
            work()
        except (OSError, http.client.HTTPException):
            pass  # the kill cuts the connection

    threads = [threading.Thread(target=guarded, args=(work,)) for work in (saver, uploader)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while (len(saved) < 5 or len(attached) < 3) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(server.pid, signal.SIGKILL)  # master and workers at once, while both clients go on
    server.wait()
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert len(saved) >= 5 and len(attached) >= 3, (saved, attached)

    database = sqlite3.connect(instance / "lieudit.db")
    assert database.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert database.execute("PRAGMA foreign_key_check").fetchall() == []
    bodies = "\n".join(row[0] for row in database.execute("SELECT body FROM page_revisions"))
    assert [line for line in saved if line not in bodies] == []
    rows = dict(database.execute("SELECT filename, stored_name FROM attachments").fetchall())
    for name, digest in attached:
        stored = instance / "uploads" / rows[name][:2] / rows[name]
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == digest
    database.close()

    server = serve_with_gunicorn(env, port)  # its first request applies what the kill left in the search outbox
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with sqlite3.connect(instance / "lieudit.db") as database:
                if database.execute("SELECT count(*) FROM search_outbox").fetchone()[0] == 0:
                    break
            time.sleep(0.2)
        check = subprocess.run([LIEUDIT, "search", "check"], env=env, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
