"""Event records for agenda tests, created through the real record services."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import make_user
from wiki.demo import demo_author
from wiki.demo import seed
from wiki.records import form_services
from wiki.records import services as records


@pytest.fixture
def events(app, db):
    """A helper creating ``evenement`` records: ``events(title, horaire, **values)``."""
    seed(db)
    author = demo_author(db)
    form = form_services.get_form(db, "evenement")

    def _make(
        title: str, horaire: dict[str, Any], *, status: str = "published", actor: Any = None, **values: Any
    ) -> Any:
        schedule = {"timezone": "Europe/Paris", **horaire}
        record = records.create_record(db, form, {"title": title, "horaire": schedule, **values}, actor=actor or author,
                                       policy="account", status=status)  # fmt: skip
        db.commit()
        return record

    _make.form = form
    _make.author = author
    _make.contributor = make_user(db, "Camille")
    db.commit()
    return _make
