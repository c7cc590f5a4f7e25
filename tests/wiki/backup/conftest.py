"""Fixtures of the backup tests: fresh target instances of either database, and a writer that keeps saving."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import TEST_STORAGE
from tests.conftest import base_config
from tests.factories import make_page
from tests.factories import make_user
from wiki import create_app
from wiki.auth.models import User
from wiki.db import Database
from wiki.pages import services as pages
from wiki.pages.models import Page


@pytest.fixture
def fresh_app(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[[str], Flask]]:
    """Build apps on brand-new, empty databases (no schema) of either kind, each with its own instance folder."""
    made: list[tuple[Flask, str | None]] = []

    def _make(kind: str) -> Flask:
        instance = tmp_path / f"fresh-{uuid.uuid4().hex[:6]}"
        name = None
        if kind == "sqlite":
            url = f"sqlite:///{instance / 'lieudit.db'}"
        else:
            name = f"r_{uuid.uuid4().hex[:12]}"
            url = request.getfixturevalue("postgres_server").create_database(name)
        app = create_app(base_config(instance) | TEST_STORAGE | {"DATABASE_URL": url})
        made.append((app, name))
        return app

    yield _make
    for app, name in made:
        app.extensions["lieudit.search"].close()
        Database.engine(app).dispose()
        if name:
            request.getfixturevalue("postgres_server").drop_database(name)


def small_fill(app: Flask) -> None:
    """A page with two revisions and an attached image: enough for the checks that read files only."""
    import io

    from tests.wiki.portability.test_archive import _png
    from wiki.pages import attachments

    db = Database.new_session(app)
    try:
        author = make_user(db, "Alix")
        page = make_page(db, "Jardin partagé", "Version 1\n", actor=author)
        pages.save_page(
            db, page, body="Version 2\n", comment="v2", actor=author, base_revision_id=page.current_revision_id,
            policy="account",
        )  # fmt: skip
        attachments.add_attachment(
            db, page, io.BytesIO(_png()), "plan.png", actor=author, policy="account",
            root=Path(app.instance_path) / "uploads", max_bytes=10**6, max_pixels=10**6,
        )  # fmt: skip
        db.commit()
    finally:
        db.close()


def kind_of(app: Flask) -> str:
    """``sqlite`` or ``postgresql``: the database the app runs on."""
    return Database.engine(app).dialect.name


class Writer:
    """A thread that keeps writing while a backup runs: a new page, then a new revision of a shared one."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.saved: list[str] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        db = Database.new_session(app)
        try:
            author = make_user(db, "Rédactrice")
            self.page_id = make_page(db, "Page très modifiée", actor=author).id
            db.commit()
        finally:
            db.close()

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join(60)

    def wait_for(self, count: int) -> None:
        """Return once ``count`` saves were committed (the writer is really running)."""
        while len(self.saved) < count and not self.errors and self._thread.is_alive():
            self._stop.wait(0.01)

    def _run(self) -> None:
        with self.app.app_context():
            db = Database.new_session(self.app)
            try:
                author = db.scalar(select(User).where(User.name == "Rédactrice"))
                n = 0
                while not self._stop.is_set():
                    n += 1
                    title = f"Charge {n:05d}"
                    make_page(db, title, f"Écrit pendant la sauvegarde, n°{n}.\n", actor=author)
                    page = db.get(Page, self.page_id)
                    pages.save_page(
                        db,
                        page,
                        body=f"Version {n}\n",
                        comment=f"v{n}",
                        actor=author,
                        base_revision_id=page.current_revision_id,
                        policy="account",
                    )
                    db.commit()
                    self.saved.append(title)
            except BaseException as err:  # reported by the test
                self.errors.append(err)
            finally:
                db.close()
