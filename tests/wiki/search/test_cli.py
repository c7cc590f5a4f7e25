"""``search.init_app`` on a real app, and the ``lieudit search`` commands."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.factories import make_page
from wiki import search
from wiki.db import Database
from wiki.search import indexer
from wiki.search.backend import Query
from wiki.search.postgres_backend import PostgresBackend
from wiki.search.whoosh_backend import WhooshBackend


@pytest.fixture
def search_app(make_app: Any, database_url: str) -> Iterator[Any]:
    """An app searching with Whoosh on SQLite, with PostgreSQL full-text search on PostgreSQL."""
    postgres = database_url.startswith("postgresql")
    app = make_app(SEARCH_BACKEND="postgres" if postgres else "whoosh")  # create_app calls search.init_app
    yield app
    indexer.unregister(Database.engine(app))
    search.get_backend(app).close()


def test_init_app_picks_the_configured_backend(search_app):
    backend = search.get_backend(search_app)
    expected = PostgresBackend if Database.engine(search_app).dialect.name == "postgresql" else WhooshBackend
    assert isinstance(backend, expected)


def test_unknown_or_impossible_backends_are_refused(make_app, database_url):
    with pytest.raises(ValueError, match="whoosh"):
        search.make_backend(make_app(SEARCH_BACKEND="elastic"))
    if not database_url.startswith("postgresql"):
        with pytest.raises(ValueError, match="PostgreSQL"):
            search.make_backend(make_app(SEARCH_BACKEND="postgres"))


def test_commands(search_app):
    runner = search_app.test_cli_runner()
    backend = search.get_backend(search_app)
    session = Database.new_session(search_app)
    try:
        make_page(session, "Lavoir de la Sauldre")
        session.commit()
        assert backend.search(Query(text="lavoir")).total == 1
        result = runner.invoke(args=["search", "check"])
        assert result.exit_code == 0 and "à jour : 1 documents" in result.output
        with indexer.muted():
            make_page(session, "Moulin du Boël")
            session.commit()
        result = runner.invoke(args=["search", "check", "--rapide"])
        assert result.exit_code == 1 and "1 manquants" in result.output and "manquant : page:" in result.output
        assert "Corrigé" in runner.invoke(args=["search", "update"]).output
        assert backend.search(Query(text="moulin")).total == 1
        result = runner.invoke(args=["search", "rebuild"])
        assert result.exit_code == 0 and "2 documents" in result.output
        assert runner.invoke(args=["search", "optimize"]).exit_code == 0
        assert runner.invoke(args=["search", "check"]).exit_code == 0
    finally:
        session.close()


def test_init_rebuilds_an_index_of_an_older_schema(search_app):
    backend = search.get_backend(search_app)
    session = Database.new_session(search_app)
    try:
        make_page(session, "Lavoir de la Sauldre")
        session.commit()
    finally:
        session.close()
    runner = search_app.test_cli_runner()
    if not isinstance(backend, WhooshBackend):
        assert "Index de recherche" not in runner.invoke(args=["init"]).output  # PostgreSQL follows the migrations
        return
    info = Path(os.path.realpath(backend.path), "lieudit.json")
    info.write_text(json.dumps({"schema_version": 1}))
    assert backend.outdated()
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "Index de recherche reconstruit pour la nouvelle version : 1 documents." in result.output
    assert not backend.outdated() and backend.search(Query(text="lavoir")).total == 1
    assert "Index de recherche" not in runner.invoke(args=["init"]).output  # current now: nothing to do
