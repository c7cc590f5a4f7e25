"""The demo agenda: markets, repair cafés, wiki-parties, council meetings around Redon.

Dates are relative to the day the demo is loaded, so the agenda is always
alive: weekly markets and repair cafés repeat, the town council meets on the
2nd Tuesday of the month (one sitting moved, one cancelled), a wiki-party
comes every other month, and a few one-off events fill the weeks ahead.
Organisers are associations and public bodies, never people. Idempotent: an
event whose title is already that of a live ``evenement`` record is skipped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.agenda import overrides
from wiki.agenda import projection
from wiki.records import form_services
from wiki.records import services
from wiki.records import taxonomy
from wiki.records.models import Record

DEMO_COMMENT = "Événement de démonstration"


def _next(today: dt.date, weekday: int, weeks: int = 0) -> dt.date:
    """The next ``weekday`` (0 = Monday) on or after today, ``weeks`` later."""
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def demo_events(today: dt.date) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(record values, occurrence changes) of the demo events, dated from ``today``."""
    month_start = today.replace(day=1) - dt.timedelta(days=31)
    council = _nth_weekday(month_start.year, month_start.month, 1, 2)
    if council < today - dt.timedelta(days=60):
        council = _nth_weekday(today.year, today.month, 1, 2)
    until = (today + dt.timedelta(days=365)).strftime("%Y%m%d")
    market = _next(today, 0) - dt.timedelta(days=21)
    repair = _nth_weekday(month_start.year, month_start.month, 5, 1)
    party = _next(today, 5, 2)
    council_moved = _nth_weekday((council + dt.timedelta(days=62)).year, (council + dt.timedelta(days=62)).month, 1, 2)
    council_cancelled = _nth_weekday(
        (council + dt.timedelta(days=93)).year, (council + dt.timedelta(days=93)).month, 1, 2
    )
    cinema = _next(today, 4, 1)
    festival = _next(today, 5, 5)
    return [
        ({
            "title": "Marché de Redon",
            "description": "Le grand marché du lundi matin, quai Duguay-Trouin et place de la République : "
                           "producteurs locaux, primeurs, fromagers, poissonniers.",
            "horaire": {"start": f"{market}T08:00", "end": f"{market}T13:00", "timezone": "Europe/Paris",
                        "rrule": f"FREQ=WEEKLY;BYDAY=MO;UNTIL={until}"},
            "adresse": "Quai Duguay-Trouin, Redon", "commune": "35236", "organisateur": "Ville de Redon",
            "themes": ["alimentation", "economie"], "gratuit": True,
            "localisation": {"type": "Point", "coordinates": [-2.0853, 47.6508]},
        }, {}),
        ({
            "title": "Repair café",
            "description": "Venez réparer avec des bénévoles : petit électroménager, vélos, vêtements, "
                           "ordinateurs. Apportez l’objet et ses pièces.",
            "horaire": {"start": f"{repair}T14:00", "end": f"{repair}T17:30", "timezone": "Europe/Paris",
                        "rrule": "FREQ=MONTHLY;BYDAY=1SA;COUNT=24"},
            "adresse": "Tiers-lieu La Fabrique, Redon", "commune": "35236", "organisateur": "Repair café du Pays de Redon",
            "themes": ["environnement", "tiers_lieu"], "gratuit": True,
        }, {}),
        ({
            "title": "Conseil municipal de Redon",
            "description": "Séance publique du conseil municipal. L’ordre du jour est affiché en mairie une semaine avant.",
            "horaire": {"start": f"{council}T20:00", "end": f"{council}T22:30", "timezone": "Europe/Paris",
                        "rrule": "FREQ=MONTHLY;BYDAY=2TU"},
            "adresse": "Hôtel de ville, place Saint-Sauveur, Redon", "commune": "35236", "organisateur": "Ville de Redon",
            "themes": ["participation_citoyenne"], "gratuit": True,
        }, {
            "moved": {council_moved.isoformat() + "T20:00": {"start": f"{council_moved + dt.timedelta(days=2)}T20:00",
                                                               "end": f"{council_moved + dt.timedelta(days=2)}T22:30",
                                                               "location": "Salle du Parc, Redon"}},
            "cancelled": [council_cancelled.isoformat() + "T20:00"],
        }),
        ({
            "title": "Wiki-party du Pays de Redon",
            "description": "Deux heures pour compléter ensemble le wiki du territoire : pages des communes, "
                           "photos, agenda. Débutants bienvenus, ordinateurs prêtés.",
            "horaire": {"start": f"{party}T10:00", "end": f"{party}T12:00", "timezone": "Europe/Paris",
                        "rrule": "FREQ=MONTHLY;INTERVAL=2;COUNT=6"},
            "adresse": "Médiathèque Jean-Michel Bollé, Redon", "commune": "35236",
            "organisateur": "Conseil de développement du Pays de Redon",
            "themes": ["outils_numeriques", "participation_citoyenne"], "gratuit": True,
        }, {}),
        ({
            "title": "Ciné-débat : « La ferme des possibles »",
            "description": "Projection suivie d’un débat sur l’installation agricole en circuits courts.",
            "horaire": {"start": f"{cinema}T20:30", "end": f"{cinema}T23:00", "timezone": "Europe/Paris"},
            "adresse": "Cinéma Manivel, Redon", "commune": "35236", "organisateur": "Cinéma Manivel",
            "themes": ["agriculture", "culture"], "gratuit": False,
        }, {}),
        ({
            "title": "Fête de la châtaigne",
            "description": "Marché du terroir, animations et concerts sur deux jours.",
            "horaire": {"start": festival.isoformat(), "end": (festival + dt.timedelta(days=1)).isoformat(),
                        "all_day": True, "timezone": "Europe/Paris"},
            "adresse": "Quais de Redon", "commune": "35236", "organisateur": "Comité des fêtes de Redon",
            "themes": ["culture", "alimentation"], "gratuit": True,
        }, {}),
    ]  # fmt: skip


def load_demo_agenda(db: Session, actor: Any, *, today: dt.date | None = None) -> int:
    """Create the demo events that do not exist yet, published; return how many were created."""
    form = form_services.get_form(db, "evenement")
    existing = set(db.scalars(select(Record.title).where(Record.form_id == form.id, Record.deleted_at.is_(None))))
    ctx = taxonomy.cleaning_context(db)
    created = 0
    for values, changes in demo_events(today or dt.date.today()):
        if values["title"] in existing:
            continue
        record = services.create_record(db, form, values, actor=actor, policy="account", ctx=ctx, status="published",
                                        comment=DEMO_COMMENT)  # fmt: skip
        event = projection.sync_event(db, record)
        if event is not None and changes:
            for key, change in changes.get("moved", {}).items():
                overrides.change_occurrence(db, record, event, key, change, actor=actor, policy="account")
            for key in changes.get("cancelled", []):
                overrides.cancel_occurrence(db, record, event, key, actor=actor, policy="account")
        created += 1
    return created
