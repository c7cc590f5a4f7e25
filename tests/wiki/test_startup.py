"""What a worker loads: the libraries of rare features wait for their first use (issue 19).

A worker that serves pages, the home page and search never needs Alembic
(migrations, restores), shapely and GeoAlchemy2 (geometry checks, zones),
icalendar (feeds) or rdflib (the DCAT catalog): imported at start-up they
cost every process about 35 MB and half a second. The check runs in a fresh
interpreter, as a worker starts; the features themselves keep their own tests
(``tests/geodata``, ``tests/wiki/exports``, ``tests/wiki/backup``...).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEST_STORAGE
from tests.conftest import base_config
from tests.factories import make_page
from wiki.db import Database

pytestmark = pytest.mark.sqlite_only  # the import graph of a worker does not depend on the database

#: Libraries only rare requests and commands need.
LAZY = ("alembic", "geoalchemy2", "shapely", "icalendar", "rdflib", "mako")
ROOT = Path(__file__).resolve().parents[2]

WORKER = """
import json, sys
from wiki import create_app
app = create_app(json.loads(sys.argv[1]))
client = app.test_client()
for path in sys.argv[2:]:
    status = client.get(path).status_code
    assert status == 200, (path, status)
print(json.dumps(sorted(sys.modules)))
"""


def loaded_modules(settings: dict[str, object], *paths: str) -> set[str]:
    """The modules a fresh interpreter holds after ``create_app(settings)`` and a GET of each path."""
    done = subprocess.run(
        [sys.executable, "-c", WORKER, json.dumps(settings), *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_worker_serving_pages_and_search_loads_no_rare_library(app, database_url, tmp_path):
    with app.app_context():
        db = Database.new_session()
        make_page(db, "Médiathèque de Redon", "La médiathèque ouvre le samedi.\n")
        db.commit()
        db.close()
    settings = base_config(tmp_path / "instance") | TEST_STORAGE | {"DATABASE_URL": database_url}
    paths = ("/-/health", "/", "/pages/mediatheque-de-redon", "/-/recherche?q=samedi")
    loaded = loaded_modules(settings, *paths)
    assert "wiki.pages.views" in loaded  # the page was served by the app, not by an error handler
    assert [name for name in LAZY if name in loaded] == []


def test_the_rare_features_load_their_library_when_used(app, database_url, tmp_path):
    settings = base_config(tmp_path / "instance") | TEST_STORAGE | {"DATABASE_URL": database_url}
    loaded = loaded_modules(settings, "/donnees/catalog.ttl", "/agenda.ics")
    assert {"rdflib", "icalendar"} <= loaded
