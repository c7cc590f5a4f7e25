"""Shared fixtures: a fresh app and a fresh database per test, on SQLite and on a real PostgreSQL.

Which databases a test runs on
------------------------------
Every test that uses ``app`` (or ``client``, ``db``, ``runner``, ``make_app``,
``database_url``) runs once per database, ``[sqlite]`` and ``[postgresql]``,
unless its module opts out with one line::

    pytestmark = pytest.mark.sqlite_only  # <why no dialect-specific code is reached>

The rule: a module keeps both databases when what it tests reaches SQL whose
behaviour depends on the dialect: migrations and the ``wiki/db.py`` kernel,
dump and load, the search backends and the indexer's transaction hooks, the
spatial paths (PostGIS or bounding boxes), record lists (JSON sort keys,
facets, ``LIKE``), agenda windows, export stamps and ``?since=``, locking,
conflicts and API preconditions, and bulk or hostile outside data (importers,
built-in data, Schemathesis), which PostgreSQL checks where SQLite does not
(lengths, integer ranges, NUL bytes). A module only goes SQLite-only when it
tests the HTTP surface, rendering, permissions or flows over plain reads and
writes that those modules already run on both.

Both is the default, and SQLite the opt-out, because forgetting the marker
then costs seconds, never coverage: a new or split test module runs on
PostgreSQL until someone decides, in writing, that it need not.
``-m "not postgres"`` skips every PostgreSQL item (each is marked ``postgres``)
for a quick local run.

How a database is made
----------------------
The schema is built once per session by running the real Alembic migrations
into a template (a file for SQLite, a template database for PostgreSQL). A
SQLite test gets a copy of the file. A PostgreSQL test gets a clean database
from ``tests/support/databases.py``: cloned from the template the first time,
then emptied and handed to the next test, or dropped if the test changed more
than rows (``--fresh-databases`` clones one for every test).

The PostgreSQL server is started by the tests themselves
(``tests/support/postgres.py``), one per pytest worker. Apps share their
compiled templates and URL builders (``tests/support/speedups.py``).
``browser`` drives Debian's Chromium through Playwright.
"""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.databases import RecycledDatabases
from tests.support.postgres import PostgresServer
from tests.support.speedups import share_template_code
from tests.support.speedups import share_url_builders
from wiki import create_app
from wiki import migrate
from wiki.db import Database
from wiki.db import make_engine

BACKENDS = ("sqlite", "postgresql")


def base_config(instance: Path) -> dict[str, Any]:
    """Settings every test app gets."""
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret",
        # Hashing cost is not under test; scrypt would dominate the run time.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "wiki.test",
        # Test clients post forms at once: the anti-spam fill time is checked by its own tests.
        "FORM_MIN_SECONDS": 0,
        # Searches right after a save find it: the outbox is applied by the committing thread
        # (the background thread has its own tests).
        "SEARCH_INDEX_IN_BACKGROUND": False,
    }


#: What each test's app adds to ``base_config``: like the PostgreSQL test server (fsync off), its
#: SQLite database skips the disk flushes that only matter after a power cut (``synchronous=FULL``
#: by default: a flush per commit, which made a run wait on the disk more than it computed).
TEST_STORAGE = {"SQLITE_SYNCHRONOUS": "OFF"}


def _freeze_long_lived_objects() -> None:
    """Keep the garbage collector off the objects that live as long as the test process.

    Modules and collected tests are scanned by every full collection
    otherwise, and the thousands of apps a session creates and drops trigger
    hundreds of them. Freezing them (``gc.freeze``, as a served app does at
    start-up) roughly halved the collector's time: 55 s of CPU instead of
    67 s on 1,022 tests. Garbage is collected first, so nothing dead is kept.
    """
    gc.collect()
    gc.freeze()


def pytest_configure(config: pytest.Config) -> None:
    """Share compiled URL builders between the session's apps (``tests/support/speedups.py``)."""
    share_url_builders()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze what collection imported."""
    _freeze_long_lived_objects()


def _migrate(url: str, instance: Path) -> None:
    app = create_app(base_config(instance) | {"DATABASE_URL": url})
    with app.app_context():
        migrate.upgrade(Database.engine(), None, backup=False)
        Database.engine().dispose()


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    """One real PostgreSQL server per pytest process (per xdist worker)."""
    server = PostgresServer(tmp_path_factory.mktemp("postgres"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database file to copy for each test."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    _migrate(f"sqlite:///{path}", folder)
    _freeze_long_lived_objects()  # with what the first app imported
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated PostgreSQL database to use as template."""
    name = "lieudit_template"
    url = postgres_server.create_database(name)
    _migrate(url, tmp_path_factory.mktemp("pg-template"))
    _freeze_long_lived_objects()  # with what the first app imported
    return name


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--fresh-databases``: a new PostgreSQL clone for every test, never a recycled one."""
    parser.addoption(
        "--fresh-databases",
        action="store_true",
        help="clone a new PostgreSQL database for every test instead of recycling (tests/support/databases.py)",
    )


def _parametrized_by_hand(metafunc: pytest.Metafunc, name: str) -> bool:
    """Whether a ``parametrize`` mark of the test already names ``name``."""
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", ())
        if isinstance(names, str):
            names = [part.strip() for part in names.split(",")]
        if name in names:
            return True
    return False


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each database test on both databases, or on SQLite only under ``sqlite_only``."""
    if "database_url" not in metafunc.fixturenames or _parametrized_by_hand(metafunc, "database_url"):
        return
    sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
    metafunc.parametrize("database_url", BACKENDS[:1] if sqlite_only else BACKENDS, indirect=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every PostgreSQL item ``postgres`` (``-m "not postgres"`` skips them)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database_url") == "postgresql":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def postgres_databases(
    request: pytest.FixtureRequest, postgres_server: PostgresServer, postgres_template: str
) -> Iterator[RecycledDatabases]:
    """Clean copies of the template database, recycled from test to test."""
    recycle = not request.config.getoption("--fresh-databases")
    databases = RecycledDatabases(postgres_server, postgres_template, recycle=recycle)
    yield databases
    databases.close()


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database for one test, on the backend of its parameter."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        target = tmp_path / "lieudit.db"
        shutil.copyfile(template, target)
        yield f"sqlite:///{target}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    databases: RecycledDatabases = request.getfixturevalue("postgres_databases")
    name = databases.acquire()
    yield server.url(name)
    databases.release(name)


@pytest.fixture
def make_app(tmp_path: Path, database_url: str) -> Iterator[Any]:
    """Build apps on the test's database with extra settings."""
    apps: list[Flask] = []

    def _make(**overrides: Any) -> Flask:
        settings = base_config(tmp_path / "instance") | TEST_STORAGE | {"DATABASE_URL": database_url}
        app = create_app(settings | overrides)
        share_template_code(app)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        app.extensions["lieudit.search"].close()  # the index files its searchers hold open
        Database.engine(app).dispose()


@pytest.fixture
def app(make_app: Any) -> Flask:
    """A fresh app with a fresh database."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    """A CLI runner for ``app``."""
    return app.test_cli_runner()


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """A session on the test's database, outside any app context so requests
    made by the test client get their own context and session (commit to make
    data visible to them)."""
    session = Database.new_session(app)
    yield session
    session.close()


class AuthActions:
    """Log in and out through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, name: str = "Camille", password: str = "motdepasse-solide") -> Any:
        """Log in with the given credentials."""
        return self._client.post("/-/connexion", data={"name": name, "password": password})

    def logout(self) -> Any:
        """Log out."""
        return self._client.post("/-/deconnexion")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Login helper bound to ``client``."""
    return AuthActions(client)


@pytest.fixture
def smtp_server() -> Iterator[Any]:
    """A real SMTP server (aiosmtpd) on a free local port; ``smtp_server.settings()`` points an app at it."""
    from tests.support.smtp import SMTPServer

    with SMTPServer() as server:
        yield server


@pytest.fixture
def sqlite_app(tmp_path: Path, sqlite_template: Path) -> Iterator[Flask]:
    """An app on a SQLite file only (for browser tests with a live server)."""
    target = tmp_path / "live.db"
    shutil.copyfile(sqlite_template, target)
    app = create_app(
        base_config(tmp_path / "instance")
        | TEST_STORAGE
        | {"DATABASE_URL": f"sqlite:///{target}", "WTF_CSRF_ENABLED": True, "SERVER_NAME": None, "TESTING": False}
    )
    share_template_code(app)
    yield app
    app.extensions["lieudit.search"].close()
    Database.engine(app).dispose()


def engine_for(url: str, app: Flask) -> Any:
    """Open a separate engine on ``url`` (to check what is really stored)."""
    return make_engine(url, app)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """The Playwright driver, for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    """Debian's Chromium, headless."""
    from tests.support.browser import launch_chromium

    instance = launch_chromium(playwright)
    yield instance
    instance.close()


@pytest.fixture
def live_server(sqlite_app: Flask) -> Iterator[Any]:
    """The SQLite app served over HTTP on 127.0.0.1."""
    from tests.support.browser import LiveServer

    with LiveServer(sqlite_app) as server:
        yield server


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A browser tab in a fresh context (French, the app's CSP enforced)."""
    from tests.support.browser import new_context

    context = new_context(browser)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
