"""Fixtures shared by the Whoosh tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.wiki.search.test_indexer import form  # noqa: F401 - the indexer's fixtures, used by test_drain too
from tests.wiki.search.test_indexer import moderator  # noqa: F401
from tests.wiki.search.test_indexer import search  # noqa: F401
from tests.wiki.search.test_postings import make_doc
from tests.wiki.search.test_postings import random_bodies
from wiki.search.whoosh_backend import WhooshBackend


@pytest.fixture
def segmented_index(tmp_path: Any) -> Iterator[WhooshBackend]:
    """An index of 1,500 random documents in several segments (posting lists of several
    512-posting blocks), with deletions, and one word held by a single document (stored inline)."""
    engine = WhooshBackend(tmp_path / "index")
    bodies = random_bodies(1500, seed=5)
    engine.rebuild([make_doc(n, body) for n, body in enumerate(bodies[:1000])], procs=1)
    engine.index(make_doc(n, body) for n, body in enumerate(bodies[1000:], start=1000))
    engine.index([make_doc(7, "lavoir velo velo atelier"), make_doc(1200, "velo jardin")])  # replaced: deletions
    engine.delete(["page:3", "page:1100"])
    yield engine
    engine.close()
