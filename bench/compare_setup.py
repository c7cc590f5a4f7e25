"""What ``compare.py`` runs against: the corpus, the four servers and the forms they post.

- ``lieudit_instance``: a fresh SQLite instance holding N generated pages (bulk
  SQL, then the search index rebuilt) and M initiatives (through the record
  services), a moderator account, and the settings its gunicorn runs with.
- ``otterwiki_instance``: An Otter Wiki installed from PyPI into a venv under
  ``/tmp/lieudit-bench`` (once), its git storage holding the same pages.
- ``nginx_server``: nginx serving the 20 KB page of ``hello_app.py`` as a static file.
- ``login`` / ``lieudit_save_form`` / ``otterwiki_save_form``: a session cookie
  and the urlencoded body of a save, with ``{uniq}`` for the Lua script to fill.

Everything listens on 127.0.0.1. The repository root and ``bench/`` must be
on ``sys.path`` (``compare.py`` puts them there).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

from harness import http_get

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PEER_HOME = Path("/tmp/lieudit-bench/otterwiki")
PASSWORD = "banc-d-essai-2026"  # noqa: S105 - a throwaway account on a throwaway instance
SAVE_SLUG = "page-5"


def pages(count: int) -> list[tuple[str, str, str]]:
    """Return ``(slug, title, body)`` of the generated French pages (about 3 KB each, reproducible)."""
    from search_data import corpus

    return [(f"page-{n}", title, body) for n, title, body in corpus(count)]


def search_word() -> str:
    """Return a word found in a few percent of the pages: the search scenario's query."""
    return "association"


def _insert_pages(app: Any, corpus: list[tuple[str, str, str]]) -> None:
    """Insert the pages and their first revision with bulk SQL (what is measured is reading and saving them)."""
    from sqlalchemy import func
    from sqlalchemy import insert
    from sqlalchemy import select
    from sqlalchemy import update

    from wiki.db import Database
    from wiki.pages.models import Page
    from wiki.pages.models import PageRevision

    engine = Database.engine(app)
    with engine.begin() as conn:
        first = (conn.scalar(select(func.max(Page.id))) or 0) + 1
        first_rev = (conn.scalar(select(func.max(PageRevision.id))) or 0) + 1
        epoch = datetime(2022, 1, 1, tzinfo=UTC)
        for start in range(0, len(corpus), 1000):
            chunk = corpus[start : start + 1000]
            rows, revisions = [], []
            for offset, (slug, title, body) in enumerate(chunk):
                n = start + offset
                if slug == SAVE_SLUG:  # one sentence a line, 60 lines at least: each editor changes its own
                    sentences = re.split(r"(?<=[.!?]) ", body)
                    body = "\n".join((sentences * (1 + 60 // len(sentences)))[: max(60, len(sentences))])
                moment = epoch + timedelta(minutes=n)
                rows.append({"id": first + n, "slug": slug, "title": title, "created_at": moment, "updated_at": moment})
                revisions.append(
                    {
                        "id": first_rev + n,
                        "page_id": first + n,
                        "number": 1,
                        "title": title,
                        "body": body,
                        "comment": "",
                        "action": "create",
                        "created_at": moment,
                        "size": len(body.encode()),
                    }
                )
            conn.execute(insert(Page), rows)
            conn.execute(insert(PageRevision), revisions)
        conn.execute(update(Page).where(Page.id >= first).values(current_revision_id=Page.id - first + first_rev))


@dataclass
class LieuditInstance:
    """A populated instance: where it lives and the settings of its server."""

    folder: Path
    env: dict[str, str]
    db_path: Path

    def revisions(self, slug: str) -> int:
        """Return how many revisions page ``slug`` has (read straight from the SQLite file)."""
        with sqlite3.connect(self.db_path) as conn:
            row = conn.execute(
                "SELECT count(*) FROM page_revisions r JOIN pages p ON p.id = r.page_id WHERE p.slug = ?", (slug,)
            ).fetchone()
        return int(row[0])


def lieudit_instance(folder: Path, page_count: int, record_count: int) -> LieuditInstance:
    """Create and populate an instance in ``folder`` (pages, initiatives, the search index, a moderator)."""
    from records_seed import populate

    from wiki import create_app
    from wiki import migrate
    from wiki.auth import services
    from wiki.db import Database
    from wiki.search import get_backend
    from wiki.search import maintenance

    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "lieudit.db"
    env = {
        "LIEUDIT_DATABASE_URL": f"sqlite:///{db_path}",
        "LIEUDIT_INSTANCE_PATH": str(folder / "instance"),
        "LIEUDIT_SECRET_KEY": "bench-compare",
        "LIEUDIT_FORM_MIN_SECONDS": "0",
    }
    config = {key.removeprefix("LIEUDIT_"): value for key, value in env.items()}
    app = create_app({**config, "FORM_MIN_SECONDS": 0, "SEARCH_INDEX_IN_BACKGROUND": False})
    try:
        with app.app_context():
            migrate.upgrade(Database.engine(), None, backup=False)
        populate(app, record_count, "sqlite")  # seeds the built-in forms and the demo author too
        _insert_pages(app, pages(page_count))
        with app.app_context():
            maintenance.rebuild(Database.engine(), get_backend())
            db = Database.new_session()
            settings = services.Settings(hash_method=app.config["PASSWORD_HASH_METHOD"])
            services.create_user(db, name="banc", password=PASSWORD, email=None, role="moderator", settings=settings)
            db.commit()
            db.close()
    finally:
        app.extensions["lieudit.search"].close()
        Database.engine(app).dispose()
    return LieuditInstance(folder, env, db_path)


def _fields(html: str) -> dict[str, str]:
    """Return the hidden inputs of an HTML form: name → value."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            found[name.group(1)] = (value.group(1) if value else "").replace("&#34;", '"').replace("&amp;", "&")
    return found


def _opener() -> tuple[urllib.request.OpenerDirector, http.cookiejar.CookieJar]:
    """Return a URL opener with its cookie jar."""
    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)), jar


def _cookie(jar: http.cookiejar.CookieJar) -> str:
    """Return the jar as a ``Cookie`` header value."""
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def lieudit_save_form(port: int) -> tuple[str, str]:
    """Log the moderator in; return its cookie and the fields every save posts (CSRF, form guard, comment)."""
    base = f"http://127.0.0.1:{port}"
    opener, jar = _opener()
    form = _fields(opener.open(f"{base}/-/connexion", timeout=30).read().decode())
    form.update(name="banc", password=PASSWORD)
    opener.open(f"{base}/-/connexion", urllib.parse.urlencode(form).encode(), timeout=30).read()
    fields = _fields(opener.open(f"{base}/pages/{SAVE_SLUG}/edit", timeout=30).read().decode())
    fields.pop("base_revision_id", None)
    parts = [f"{k}={urllib.parse.quote_plus(v)}" for k, v in fields.items()]
    return _cookie(jar), "&".join([*parts, "comment=banc+{uniq}"])


def otterwiki_instance(folder: Path, corpus: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Install An Otter Wiki (once) and give it a git repository holding ``corpus``; return its settings."""
    venv = PEER_HOME / "venv"
    if not (venv / "bin" / "gunicorn").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "otterwiki", "gunicorn"], check=True)
    repo = folder / "repo"
    repo.mkdir(parents=True, exist_ok=True)
    git = ["git", "-C", str(repo), "-c", "user.name=Banc", "-c", "user.email=banc@localhost"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    for slug, title, body in corpus:
        (repo / f"{slug}.md").write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
    (repo / "home.md").write_text("# Home\n\nBanc d'essai.\n", encoding="utf-8")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "pages"], check=True)
    settings = folder / "settings.cfg"
    settings.write_text(
        f"REPOSITORY = '{repo}'\nSECRET_KEY = 'bench-compare-0123456789abcdef'\nSITE_NAME = 'Banc'\n"
        f"SQLALCHEMY_DATABASE_URI = 'sqlite:///{folder}/db.sqlite'\nREAD_ACCESS = 'ANONYMOUS'\n"
        "WRITE_ACCESS = 'ANONYMOUS'\nATTACHMENT_ACCESS = 'ANONYMOUS'\nLOG_LEVEL = 'WARNING'\n",
        encoding="utf-8",
    )
    env = {"OTTERWIKI_SETTINGS": str(settings)}
    # Create its tables in one process: four workers starting on a fresh database race.
    subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import otterwiki.server"], env={**os.environ, **env}, check=True
    )
    return {"env": env, "python": str(venv / "bin" / "python"), "repo": repo}


def otterwiki_commits(repo: Path) -> int:
    """Return the number of commits of the peer's storage."""
    out = subprocess.run(["git", "-C", str(repo), "rev-list", "--count", "HEAD"], capture_output=True, text=True)
    return int(out.stdout.strip() or 0)


def otterwiki_save_form(port: int, text: str, slug: str = SAVE_SLUG) -> tuple[str, str]:
    """Return a session cookie and the body of a save of ``slug`` (new text ``text``) on An Otter Wiki.

    The CSRF token comes from the page view: its editor embeds the whole page list (slow at 10,000 pages).
    """
    opener, jar = _opener()
    html = opener.open(f"http://127.0.0.1:{port}/{slug.capitalize()}", timeout=120).read().decode()
    token = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', html
    )
    assert token, "no CSRF token on the peer's page"
    parts = [f"csrf_token={urllib.parse.quote_plus(token.group(1))}", "commit=banc+{uniq}"]
    parts.append("content=" + urllib.parse.quote_plus(text + "\n\nModifié ") + "{uniq}")
    return _cookie(jar), "&".join(parts)


@dataclass
class NginxServer:
    """nginx serving one static file from a folder, in its own process group."""

    folder: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None

    def start(self, html: bytes) -> NginxServer:
        """Write the file and the configuration, start nginx and wait until it answers."""
        (self.folder / "www").mkdir(parents=True, exist_ok=True)
        for folder in (self.folder, self.folder.parent):  # nginx's workers run as another user
            folder.chmod(0o755)
        (self.folder / "www" / "page.html").write_bytes(html)
        conf = self.folder / "nginx.conf"
        conf.write_text(
            f"worker_processes auto;\npid {self.folder}/nginx.pid;\nerror_log {self.folder}/error.log;\n"
            "events { worker_connections 1024; }\n"
            "http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;\n"
            f"  client_body_temp_path {self.folder}/tmp; proxy_temp_path {self.folder}/tmp;\n"
            f"  fastcgi_temp_path {self.folder}/tmp; uwsgi_temp_path {self.folder}/tmp; scgi_temp_path {self.folder}/tmp;\n"
            f"  server {{ listen 127.0.0.1:{self.port}; root {self.folder}/www; }} }}\n",
            encoding="utf-8",
        )
        (self.folder / "tmp").mkdir(exist_ok=True)
        self.proc = subprocess.Popen(
            ["nginx", "-c", str(conf), "-p", str(self.folder), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(100):
            try:
                if http_get(self.port, "/page.html")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nginx did not answer; see {self.folder}/error.log")

    @property
    def pgid(self) -> int:
        """Return the process group id (the master's pid)."""
        assert self.proc is not None
        return self.proc.pid

    def stop(self) -> None:
        """Stop nginx and its workers."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.pgid, signal.SIGTERM)
            self.proc.wait(timeout=10)
