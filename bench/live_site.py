"""A real Lieudit instance served as the Dockerfile serves it, and the browser-like clients of the reliability benches.

- ``Site``: ``lieudit init`` in a folder (SQLite in WAL mode, the defaults),
  accounts and pages created in-process through the services, then
  ``gunicorn -w 4 'wiki:create_app()'`` started, killed with ``kill -9``
  (master and workers: the whole process group) and started again; its log
  scanned for "database is locked" and tracebacks.
- ``Client``: one keep-alive connection with its cookies, as one browser:
  login, the editor's form (hidden fields, base revision, text), form and
  multipart posts, each answer timed.
- ``pct``, ``load_line``: a nearest-rank percentile, the machine's load.

Used by ``reliability_saves.py``, ``reliability_crash.py`` and
``reliability_reads.py``; ``bench/`` and the repository root must be on
``sys.path`` (they put them there). Everything listens on 127.0.0.1.
"""

from __future__ import annotations

import html
import http.client
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from harness import GunicornServer
from harness import free_port
from save_profile import hidden_fields

from bench.run_context import isolate_environment

ROOT = Path(__file__).resolve().parents[1]
LIEUDIT = str(Path(sys.executable).parent / "lieudit")
_BASE = re.compile(r'name="base_revision_id" value="(\d+)"')
_TEXT = re.compile(r"<textarea[^>]*>\n?(.*?)</textarea>", re.S)


def pct(values: Sequence[float], p: float) -> float | None:
    """Return the ``p`` percentile of ``values`` (nearest rank), None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def load_line() -> str:
    """Return the machine's load averages, as ``uptime`` prints them."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} CPUs)"


@dataclass
class Site:
    """A Lieudit instance in ``folder``, served by gunicorn with 4 sync workers."""

    folder: Path
    workers: int = 4
    settings: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    server: GunicornServer | None = None

    @property
    def instance(self) -> Path:
        """The instance folder (database, search index, uploads, secret key)."""
        return self.folder / "instance"

    @property
    def db_path(self) -> Path:
        """The SQLite database file."""
        return self.instance / "lieudit.db"

    @property
    def uploads(self) -> Path:
        """The folder of attached files."""
        return self.instance / "uploads"

    @property
    def log_path(self) -> Path:
        """gunicorn's log: its own messages and the app's errors."""
        return self.folder / "gunicorn.log"

    @property
    def env(self) -> dict[str, str]:
        """The environment of every Lieudit process of this site.

        The anti-spam fill time is off: the simulated editors post the form
        well under its 3 s (a person takes longer); nothing else is changed.
        """
        return {"LIEUDIT_INSTANCE_PATH": str(self.instance), "LIEUDIT_FORM_MIN_SECONDS": "0", **self.settings}

    def lieudit(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run the ``lieudit`` command on this instance; return what it printed."""
        return subprocess.run(
            [LIEUDIT, *args], env={**os.environ, **self.env}, capture_output=True, text=True, check=check
        )

    def create(
        self, accounts: Sequence[tuple[str, str]], pages: Sequence[tuple[str, str]] = (), *, demo: bool = False
    ) -> Site:
        """``lieudit init`` (``--demo``), then create ``(name, role)`` accounts and ``(title, body)`` pages."""
        from tests.factories import make_page
        from tests.factories import make_user
        from wiki import create_app
        from wiki.db import Database

        self.folder.mkdir(parents=True, exist_ok=True)
        isolate_environment()
        self.lieudit("init", *(["--demo"] if demo else []))
        app = create_app({"INSTANCE_PATH": str(self.instance), "SEARCH_INDEX_IN_BACKGROUND": False})
        try:
            with Database.new_session(app) as db:
                users = [make_user(db, name, role=role) for name, role in accounts]
                for title, body in pages:
                    make_page(db, title, body, actor=users[0] if users else None)
                db.commit()
        finally:
            app.extensions["lieudit.search"].close()
            Database.engine(app).dispose()
        return self

    def start(self) -> Site:
        """Start gunicorn and wait until every worker has booted and ``/-/health`` answers."""
        self.server = GunicornServer(
            "wiki:create_app()", self.port, self.workers, cwd=str(ROOT), env=self.env, log_path=str(self.log_path)
        )
        try:
            self.server.start(ready_path="/-/health", timeout=90)
        except RuntimeError as err:  # the log goes with the temporary folder: show its end
            tail = self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""
            raise RuntimeError(f"{err}\n--- end of {self.log_path}:\n{tail}") from err
        return self

    def kill(self) -> None:
        """``kill -9`` the master and all its workers at once."""
        assert self.server is not None and self.server.proc is not None
        try:
            os.killpg(self.server.pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.server.proc.wait()

    def stop(self) -> None:
        """Stop the server normally (SIGTERM), if it runs."""
        if self.server is not None:
            self.server.stop()

    def log_problems(self) -> dict[str, int]:
        """Count "database is locked" and tracebacks in gunicorn's log so far."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return {"database is locked": text.count("database is locked"), "tracebacks": text.count("Traceback")}

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """Run one query on the database file (its own connection) and return the rows."""
        conn = sqlite3.connect(self.db_path, timeout=30)
        try:
            return conn.execute(query, params).fetchall()
        finally:
            conn.close()


class Client:
    """One browser: a keep-alive connection to the site and its cookies."""

    def __init__(self, port: int, timeout: float = 60.0) -> None:
        """Prepare a connection to 127.0.0.1:``port`` (opened on first use)."""
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str, float]:
        """Send one request; return status, headers, text and milliseconds. A broken connection is reopened."""
        sent = {**(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body or None, headers=sent)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            raise
        elapsed = (time.perf_counter() - started) * 1000
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data.decode(errors="replace"), elapsed

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], str, float]:
        """POST urlencoded ``fields``."""
        body = urllib.parse.urlencode(fields).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_file(
        self, path: str, fields: dict[str, str], name: str, data: bytes, content_type: str
    ) -> tuple[int, dict[str, str], str, float]:
        """POST ``fields`` and one file (``file``) as multipart/form-data."""
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.request(
            "POST", path, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )

    def form(self, path: str) -> dict[str, str]:
        """GET ``path``; return its forms' hidden fields (CSRF token, form guard)."""
        return hidden_fields(self.request("GET", path)[2])

    def login(self, name: str, password: str) -> None:
        """Log in through the login form; raise if refused."""
        fields = self.form("/-/connexion") | {"name": name, "password": password}
        status = self.post_form("/-/connexion", fields)[0]
        if status != 302:
            raise RuntimeError(f"login of {name} answered {status}")

    def editor(self, slug: str) -> tuple[dict[str, str], str]:
        """Open the editor of ``slug``; return the fields to post back (base revision included) and its text."""
        page = self.request("GET", f"/pages/{slug}/edit")[2]
        base, text = _BASE.search(page), _TEXT.search(page)
        if base is None or text is None:
            raise RuntimeError(f"no editor form for {slug}")
        return hidden_fields(page) | {"base_revision_id": base.group(1)}, html.unescape(text.group(1))

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()
