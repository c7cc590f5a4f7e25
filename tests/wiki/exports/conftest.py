"""Fixtures of the open-data tests: a form with one field of each exportable type and its records; agenda events."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from tests.factories import make_user
from tests.wiki.agenda.conftest import events  # noqa: F401 - the fixture
from wiki.agenda import overrides
from wiki.agenda.models import AgendaEvent
from wiki.db import utcnow
from wiki.exports import calendar
from wiki.exports.models import ExportVevent
from wiki.records import form_services
from wiki.records import services
from wiki.records import taxonomy

FIELDS = [
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_00000002", "key": "categorie", "type": "choice", "label": "Catégorie", "help": "Le genre de lieu.",
     "options": {"choices": [{"value": "bio", "label": "Bio"}, {"value": "local", "label": "Local"}]}},
    {"id": "f_00000003", "key": "prix", "type": "number", "label": "Prix", "options": {"unit": "€"}},
    {"id": "f_00000004", "key": "places", "type": "number", "label": "Places", "options": {"integer": True}},
    {"id": "f_00000005", "key": "ouvert", "type": "boolean", "label": "Ouvert"},
    {"id": "f_00000006", "key": "creation", "type": "date", "label": "Création"},
    {"id": "f_00000007", "key": "inauguration", "type": "datetime", "label": "Inauguration"},
    {"id": "f_00000008", "key": "horaire", "type": "schedule", "label": "Horaire"},
    {"id": "f_00000009", "key": "localisation", "type": "geometry", "label": "Localisation"},
    {"id": "f_0000000a", "key": "commune", "type": "zone", "label": "Commune", "options": {"levels": ["commune"]}},
    {"id": "f_0000000b", "key": "themes", "type": "theme", "label": "Thématiques"},
    {"id": "f_0000000c", "key": "site_web", "type": "url", "label": "Site web"},
    {"id": "f_0000000d", "key": "publics", "type": "multichoice", "label": "Publics",
     "options": {"choices": [{"value": "jeunes", "label": "Jeunes"}, {"value": "aines", "label": "Aînés"}]}},
    {"id": "f_0000000e", "key": "presentation", "type": "longtext", "label": "Présentation"},
    {"id": "f_0000000f", "key": "courriel_perso", "type": "email", "label": "Courriel du responsable", "personal": True},
    {"id": "f_00000010", "key": "note_interne", "type": "text", "label": "Note interne", "visibility": "members"},
    {"id": "f_00000011", "key": "telephone_perso", "type": "phone", "label": "Téléphone privé", "visibility": "private"},
]  # fmt: skip


def record_values(n: int, **extra: object) -> dict[str, object]:
    """Values of a complete record number ``n``."""
    return {
        "title": f"Ferme n° {n}", "categorie": "bio" if n % 2 else "local", "prix": 12.5 + n, "places": 10 + n, "ouvert": n % 2 == 1,
        "creation": "2019-05-02", "inauguration": "02/05/2026 14:00",
        "horaire": {"start": "2026-05-02T14:00", "end": "2026-05-02T18:00", "timezone": "Europe/Paris", "rrule": "FREQ=WEEKLY;COUNT=4"},
        "localisation": {"type": "Point", "coordinates": [-2.08 - n / 100, 47.65]}, "commune": "35236", "themes": ["alimentation"],
        "site_web": "https://ferme.example.org", "publics": ["jeunes", "aines"], "presentation": "Des **légumes**, des œufs.",
        **extra,
    }  # fmt: skip


@pytest.fixture
def seeded(db):
    """A moderator, the form ``fermes`` with three published records, and a page."""
    moderator = make_user(db, "Modo", role="moderator")
    taxonomy.save_theme(db, key="alimentation", label="Alimentation", actor=moderator)
    form = form_services.create_form(
        db, key="fermes", title="Fermes", description="Les fermes du pays.", fields=FIELDS, actor=moderator
    )
    records = [services.create_record(db, form, record_values(n), actor=moderator, policy="account") for n in (1, 2, 3)]
    from tests.factories import make_page

    make_page(db, "Marché de Redon", "Le marché a lieu le lundi.\n", actor=moderator)
    db.commit()
    return SimpleNamespace(moderator=moderator, form=form, records=records)


# --- agenda events and their feeds -------------------------------------------------------

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def soon(days: int, hour: int = 10) -> str:
    """``YYYY-MM-DDTHH:00``, ``days`` from today in Paris."""
    day = utcnow().astimezone(PARIS).date() + dt.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def restart_feeds(app: Any) -> None:
    """Forget what the feeds keep in memory, as a new process would."""
    calendar._feeds.clear(app)
    calendar._parts.clear(app)


@pytest.fixture
def agenda_events(db: Any, events: Any) -> tuple[Any, Any, Any]:  # noqa: F811 - the imported fixture
    """A weekly series with a moved and a cancelled date, a one-off all-day event, a draft."""
    first = utcnow().astimezone(PARIS).date() + dt.timedelta(days=3)
    series = events("Marché", {"start": f"{first}T08:00", "end": f"{first}T12:00", "rrule": "FREQ=WEEKLY;COUNT=10"},
                    themes=["alimentation"])  # fmt: skip
    event = db.get(AgendaEvent, series.id)
    overrides.change_occurrence(db, series, event, f"{first + dt.timedelta(days=7)}T08:00", {"title": "Marché de Noël"},
                             actor=events.author, policy="account")  # fmt: skip
    overrides.cancel_occurrence(db, series, event, f"{first + dt.timedelta(days=14)}T08:00", actor=events.author,
                             policy="account")  # fmt: skip
    db.commit()
    fete = events("Fête", {"start": soon(10)[:10], "end": soon(11)[:10], "all_day": True}, themes=["culture"])
    draft = events("Réunion privée", {"start": soon(4, 18)}, status="draft")
    return series, fete, draft


def stored_vevents(db: Any) -> dict[int, tuple[bytes, Any, str]]:
    """The stored VEVENTs: record id -> (bytes, stamp, serialiser)."""
    db.expire_all()
    rows = db.execute(select(ExportVevent.record_id, ExportVevent.ical, ExportVevent.stamp, ExportVevent.serialiser))
    found = {record_id: (ical, stamp, serialiser) for record_id, ical, stamp, serialiser in rows}
    db.rollback()  # end the read: requests and commands may write
    return found
