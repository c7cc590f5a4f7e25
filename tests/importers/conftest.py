"""Fixtures of the importer tests: the built-in forms, and who imports."""

from __future__ import annotations

import pytest

from tests.geodata.conftest import moderator  # noqa: F401 - fixtures of the map tests, used here too
from tests.geodata.conftest import zones  # noqa: F401
from wiki.demo import demo_author
from wiki.demo import seed


@pytest.fixture
def author(db):
    """The account command-line imports are attributed to, with the built-in forms seeded."""
    seed(db)
    user = demo_author(db)
    db.commit()  # no open transaction: on SQLite it would hold the write lock
    return user
