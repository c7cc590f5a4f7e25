"""A wiki-party open now, with a moderator as its organiser and the built-in forms."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.factories import make_user
from wiki.db import utcnow
from wiki.parties import services
from wiki.records.seeding import seed_builtin


def open_now(db, organiser, goals: str = "créer la fiche de la médiathèque\najouter 2 lieux", **kw):
    """A party that began an hour ago and ends in two hours."""
    party = services.open_party(
        db,
        services.PartyInput(title=kw.get("title", "Wiki-party de la médiathèque"), day="2026-12-07", start="14:00",
                            end="17:00", place="Médiathèque de Redon", commune="35236", goals=goals),
        actor=organiser,
        timezone="Europe/Paris",
    )  # fmt: skip
    party.starts_at, party.ends_at = utcnow() - timedelta(hours=1), utcnow() + timedelta(hours=2)
    db.commit()
    return party


def guard(html: str) -> str:
    """The form guard's signed start time in a form."""
    return re.findall(r'name="_guard" value="([^"]+)"', html)[0]


def join(client, code, pseudonym):
    """Join the party of ``code`` through its join form; return the answer to the post."""
    html = client.get(f"/-/atelier/{code}/rejoindre").text
    return client.post(f"/-/atelier/{code}/rejoindre", data={"pseudonym": pseudonym, "_guard": guard(html)})


@pytest.fixture
def organiser(db):
    user = make_user(db, "Mentor", role="moderator")
    seed_builtin(db, user)
    db.commit()
    return user
