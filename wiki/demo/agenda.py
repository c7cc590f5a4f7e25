"""The demo agenda: markets, repair cafés, wiki-parties, council meetings around Redon.

The events are in ``agenda.toml`` (with their provenance); their dates are
names (``{market}``, ``{council}``…) that :func:`demo_dates` computes from the
day the demo is loaded, so the agenda is always alive: weekly markets and
repair cafés repeat, the town council meets on the 2nd Tuesday of the month
(one sitting moved, one cancelled), a wiki-party comes every other month, and a
few one-off events fill the weeks ahead. Idempotent: an event whose title is
already that of a live ``evenement`` record is skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.agenda import overrides
from wiki.agenda import projection
from wiki.demo.data import DemoDataError
from wiki.demo.data import read_tables
from wiki.records import form_services
from wiki.records import services
from wiki.records import taxonomy
from wiki.records.models import Record

DATA_FILE = Path(__file__).parent / "agenda.toml"
DEMO_COMMENT = "Événement de démonstration"
#: Appended to every description: the dates are computed by the demo, nobody announced them.
DEMO_NOTE = "Événement de démonstration : sa date est calculée le jour où la démonstration a été chargée, aucun organisateur ne l’a annoncée."
#: A date name in the data file: ``{market}``.
DATE_NAME = re.compile(r"\{(\w+)\}")


def _next(today: dt.date, weekday: int, weeks: int = 0) -> dt.date:
    """The next ``weekday`` (0 = Monday) on or after today, ``weeks`` later."""
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _second_tuesday_of_month_of(day: dt.date) -> dt.date:
    return _nth_weekday(day.year, day.month, 1, 2)


def demo_dates(today: dt.date) -> dict[str, str]:
    """The dates the data file names, computed from ``today`` (ISO dates; ``until`` as YYYYMMDD)."""
    month_start = today.replace(day=1) - dt.timedelta(days=31)
    council = _nth_weekday(month_start.year, month_start.month, 1, 2)
    if council < today - dt.timedelta(days=60):
        council = _nth_weekday(today.year, today.month, 1, 2)
    council_moved = _second_tuesday_of_month_of(council + dt.timedelta(days=62))
    festival = _next(today, 5, 5)
    dates = {
        "market": _next(today, 0) - dt.timedelta(days=21),
        "repair": _nth_weekday(month_start.year, month_start.month, 5, 1),
        "council": council,
        "council_moved": council_moved,
        "council_moved_to": council_moved + dt.timedelta(days=2),
        "council_cancelled": _second_tuesday_of_month_of(council + dt.timedelta(days=93)),
        "party": _next(today, 5, 2),
        "cinema": _next(today, 4, 1),
        "festival": festival,
        "festival_end": festival + dt.timedelta(days=1),
    }
    return {name: day.isoformat() for name, day in dates.items()} | {
        "until": (today + dt.timedelta(days=365)).strftime("%Y%m%d")
    }


def _dated(value: Any, dates: dict[str, str], title: str) -> Any:
    """``value`` with every ``{name}`` replaced by its date (in keys, strings, lists and tables)."""
    if isinstance(value, dict):
        return {_dated(k, dates, title): _dated(v, dates, title) for k, v in value.items()}
    if isinstance(value, list):
        return [_dated(v, dates, title) for v in value]
    if not isinstance(value, str):
        return value

    def date_of(match: re.Match[str]) -> str:
        if match.group(1) not in dates:
            known = ", ".join(f"{{{name}}}" for name in dates)
            raise DemoDataError(f"{DATA_FILE} : « {title} » : date inconnue {match.group()} (connues : {known}).")
        return dates[match.group(1)]

    return DATE_NAME.sub(date_of, value)


def demo_events(today: dt.date) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(record values, occurrence changes) of the demo events, dated from ``today``."""
    dates = demo_dates(today)
    events = []
    for item in read_tables(DATA_FILE, "events"):
        title = str(item.get("title"))
        values = {key: value for key, value in item.items() if key != "changes"}
        values["description"] = f"{item.get('description', '')} {DEMO_NOTE}".lstrip()
        if "horaire" in values:
            values["horaire"] = _dated(values["horaire"], dates, title)
        events.append((values, _dated(item.get("changes", {}), dates, title)))
    return events


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
