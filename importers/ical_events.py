"""Read events from an iCalendar (.ics) file into agenda values, event by event.

Pure (no Flask, no database). ``events_from_ical`` never raises on its input
(HOSTILE_INPUTS B5-45/46): the whole file is refused with one French message
when it is too big, has too many events or cannot be parsed at all;
otherwise each VEVENT becomes either a :class:`ParsedEvent` (values in the
record format: title, description, location, url, status and a schedule as
:func:`wiki.records.values.clean_schedule` returns it) or an
:class:`EventError` naming the event. Nothing is written here: the ``ics``
importer (:mod:`importers.ics`) decides, and updates existing events by UID.

Floating times and times in UTC take the calendar's ``X-WR-TIMEZONE`` or
else the default zone; the properties of one VEVENT are read by
:mod:`importers.ical_values` (time zones, RRULE checked by
:func:`wiki.agenda.rules.validate_rrule`: no FREQ=SECONDLY, COUNT ≤ 5,000).
RECURRENCE-ID components become per-occurrence overrides or cancellations of
their UID.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import icalendar

from importers.ical_errors import broken_line
from importers.ical_errors import broken_lines
from importers.ical_errors import property_error
from importers.ical_values import DAY
from importers.ical_values import MAX_EXCEPTIONS
from importers.ical_values import TEXTS
from importers.ical_values import Component
from importers.ical_values import EventRefused
from importers.ical_values import date_of
from importers.ical_values import schedule_from_ical
from importers.ical_values import text_of
from importers.ical_values import wall_iso
from importers.ical_zones import ZoneBudget
from wiki.agenda.recurrence import occurrence_key
from wiki.records.contacts import clean_url
from wiki.records.values import UNSAFE_RE
from wiki.records.values import FieldError
from wiki.records.values import get_zone

MAX_BYTES = 10_000_000
MAX_EVENTS = 20_000
MAX_ERRORS = 500  # past this the file is garbage: refuse it whole
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")
#: How the iCalendar library names the property behind a value it could not read.
_BROKEN_PROPERTY = re.compile(r"broken property '([A-Za-z0-9-]{1,40})'")


@dataclass
class ParsedEvent:
    """One importable event: record values plus its changed and cancelled occurrences."""

    uid: str
    values: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    cancelled: list[str] = field(default_factory=list)
    sequence: int = 0
    last_modified: dt.datetime | None = None


@dataclass
class EventError:
    """One refused event: its UID (or « événement n° 3 ») and why, in French."""

    ref: str
    message: str


@dataclass
class ImportReport:
    """What a file gives: events, refused events, and ``error`` when the whole file is refused."""

    events: list[ParsedEvent] = field(default_factory=list)
    errors: list[EventError] = field(default_factory=list)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file was read (some events may still be refused)."""
        return self.error is None


class _TooManyErrors(Exception):
    """More refused events than MAX_ERRORS: the file is refused whole."""


def _uid(component: Component, index: int, warnings: list[str]) -> str:
    uid = " ".join(UNSAFE_RE.sub("", str(component.get("UID") or "")).split())[:255]
    if uid:
        return uid
    try:
        digest = hashlib.sha256(component.to_ical()).hexdigest()[:20]
    except Exception:  # noqa: BLE001 - a broken component still gets an id
        digest = f"{index:06d}"
    warnings.append("UID absent : identifiant calculé d'après le contenu de l'événement.")
    return f"sans-uid-{digest}@import"


def _event(
    component: Component, uid: str, default: str, warnings: list[str], zones: ZoneBudget | None = None, text: str = ""
) -> ParsedEvent:
    for name, reason in getattr(component, "errors", []):
        if name is None:
            continue  # a line that could not be cut: the file's warnings already name it (ical_errors)
        if name in ("DTSTART", "RRULE", "DTEND", "DURATION"):
            raise EventRefused(property_error(text, name, reason))
        warnings.append(f"{property_error(text, name, reason)} ; propriété ignorée.")
    values: dict[str, Any] = {
        name: text_of(component, prop, n, warnings, one_line=name != "description") for name, prop, n in TEXTS
    }
    values.update(
        title=values["title"] or "(sans titre)",
        url=None,
        schedule=schedule_from_ical(component, default, warnings, zones),
    )
    if url := text_of(component, "URL", 2000, warnings):
        try:
            values["url"] = clean_url(url)
        except FieldError as error:
            warnings.append(f"Adresse web ignorée : {error.message}")
    status = text_of(component, "STATUS", 20, warnings).upper()
    values["status"] = status if status in STATUSES else "CONFIRMED"
    try:
        sequence = max(int(str(component.get("SEQUENCE", 0))), 0)
    except ValueError:
        sequence = 0
    modified = date_of(component, "LAST-MODIFIED")
    modified = modified if isinstance(modified, dt.datetime) else None
    return ParsedEvent(uid, values, warnings, sequence=sequence, last_modified=modified)


def _moved(component: Component, zone: zoneinfo.ZoneInfo, all_day: bool) -> tuple[str | None, str | None]:
    """Start and end (end inclusive for all-day) of a changed occurrence, in the series' zone."""
    start, end, duration = date_of(component, "DTSTART"), date_of(component, "DTEND"), date_of(component, "DURATION")
    if not isinstance(start, dt.date):
        return None, None
    if not isinstance(end, dt.date) and isinstance(duration, dt.timedelta):
        end = start + duration
    if all_day:
        day = start.date() if isinstance(start, dt.datetime) else start
        last = (end.date() if isinstance(end, dt.datetime) else end) - DAY if isinstance(end, dt.date) else day
        return day.isoformat(), max(last, day).isoformat()
    start_key = occurrence_key(start, zone, False)
    return start_key, occurrence_key(end, zone, False) if isinstance(end, dt.datetime) else None


def _apply_override(event: ParsedEvent, component: Component) -> None:
    """Record a RECURRENCE-ID component as a cancellation or as the fields it changes."""
    schedule = event.values["schedule"]
    zone, all_day = get_zone(schedule["timezone"]), schedule["all_day"]
    rid = date_of(component, "RECURRENCE-ID")
    if not isinstance(rid, dt.date):
        raise EventRefused("RECURRENCE-ID illisible.")
    key = occurrence_key(rid, zone, all_day)
    if str(component["RECURRENCE-ID"].params.get("RANGE", "")).upper() == "THISANDFUTURE":
        event.warnings.append(f"Occurrence du {key} : « celle-ci et les suivantes » appliqué à elle seule.")
    if len(event.overrides) + len(event.cancelled) >= MAX_EXCEPTIONS:
        raise EventRefused(f"Trop d'occurrences modifiées : {MAX_EXCEPTIONS} au plus.")
    if str(component.get("STATUS", "")).upper() == "CANCELLED":
        event.cancelled.append(key)
        # A feed that also lists the date as an EXDATE (ours does, for clients that ignore STATUS) still means
        # « cancelled », not « no occurrence that day ».
        if kept := [x for x in schedule.get("exdates") or () if x != key]:
            schedule["exdates"] = kept
        else:
            schedule.pop("exdates", None)  # as clean_schedule leaves a schedule without exclusions
        return
    changes: dict[str, Any] = {}
    for name, prop, limit in TEXTS:
        text = text_of(component, prop, limit, [], one_line=name != "description")
        if component.get(prop) is not None and text != event.values[name]:
            changes[name] = text
    start, end = _moved(component, zone, all_day)
    if start and start != key:
        changes["start"] = start
    if end and end != _usual_end(schedule, changes.get("start", key)):
        changes["end"] = end
    event.overrides[key] = changes


def _usual_end(schedule: Mapping[str, Any], start: str) -> str | None:
    """The end an occurrence starting at ``start`` has when only moved (the series' length kept)."""
    if not schedule.get("end"):
        return start if schedule["all_day"] else None
    if schedule["all_day"]:
        day = dt.date.fromisoformat
        return (day(start) + (day(schedule["end"]) - day(schedule["start"]))).isoformat()
    at = dt.datetime.fromisoformat
    return wall_iso(at(start) + (at(schedule["end"]) - at(schedule["start"])))


# --- file ------------------------------------------------------------------------


def _unreadable(what: str, error: Exception, text: str = "") -> str:
    """« Événement illisible : ligne 7, propriété EXDATE : … » — in French, with the line when it is found."""
    named = _BROKEN_PROPERTY.search(str(error))
    return f"{what} illisible : {property_error(text, named[1] if named else None, error)}."


def _decode(data: bytes, warnings: list[str]) -> str:
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        warnings.append("Fichier hors UTF-8 : lu comme Windows-1252.")
        text = data.decode("cp1252", "replace")
    upper = text.upper()
    missing = upper.count("BEGIN:VCALENDAR") - upper.count("END:VCALENDAR")
    if missing > 0:
        warnings.append("Fichier incomplet : fin du calendrier (END:VCALENDAR) manquante.")
        text = text.rstrip() + "\r\nEND:VCALENDAR" * missing + "\r\n"
    return text


def _components(text: str) -> tuple[list[Component], str]:
    """Top-level VEVENTs (inside VCALENDARs, or bare) and the calendar's X-WR-TIMEZONE."""
    events: list[Component] = []
    zone = ""
    for top in icalendar.Calendar.from_ical(text, multiple=True):
        if top.name == "VEVENT":
            events.append(top)
            continue
        zone = zone or str(top.get("X-WR-TIMEZONE", "")).strip()
        events += [c for c in top.subcomponents if c.name == "VEVENT"]
    return events, zone


def events_from_ical(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_events: int = MAX_EVENTS, default_zone: str = "Europe/Paris"
) -> ImportReport:
    """Read every VEVENT of an .ics file; never raises, refuses the whole file only when it cannot be read."""
    report = ImportReport()
    too_many = f"Trop d'événements dans ce fichier : {max_events:,} au plus.".replace(",", "\u202f")
    if not isinstance(data, (bytes, bytearray)) or len(data) > max_bytes:
        return ImportReport(error=f"Fichier trop volumineux : {max_bytes // 1_000_000 or 1} Mo au plus.")
    if bytes(data).upper().count(b"BEGIN:VEVENT") > max_events:
        return ImportReport(error=too_many)
    text = ""
    try:
        text = _decode(bytes(data), report.warnings)
        if "BEGIN:V" not in text.upper():
            return ImportReport(error="Ce fichier n'est pas un calendrier iCalendar (.ics).")
        components, calendar_zone = _components(text)
    except Exception as error:  # noqa: BLE001 - any parser failure is one clear message
        line = broken_line(text)  # the parser names no line: find the first one it cannot cut
        return ImportReport(
            error=f"Fichier iCalendar illisible : {line}." if line else _unreadable("Fichier iCalendar", error, text)
        )
    report.warnings += [f"{line} ; ligne ignorée." for line in broken_lines(text)]  # skipped without a word
    if len(components) > max_events:
        return ImportReport(error=too_many)
    if not components:
        return ImportReport(error="Aucun événement (VEVENT) dans ce fichier.", warnings=report.warnings)
    try:
        default = get_zone(calendar_zone).key if calendar_zone else default_zone
    except FieldError:
        default = default_zone
    try:
        return _read(components, default, report, text)
    except _TooManyErrors:
        return ImportReport(
            error=f"Plus de {MAX_ERRORS} événements refusés : fichier abandonné.", errors=report.errors[:20]
        )
    except Exception as error:  # noqa: BLE001 - never a crash, never a silent partial import
        return ImportReport(error=_unreadable("Fichier iCalendar", error, text))


def _read(components: list[Component], default: str, report: ImportReport, text: str) -> ImportReport:
    masters: dict[str, ParsedEvent] = {}
    changes: list[tuple[int, str, Component]] = []
    zones = ZoneBudget()  # one per file: custom VTIMEZONEs are matched a bounded number of times

    def refuse(ref: str, message: str) -> None:
        """Note a refused event; too many of them abort the file."""
        report.errors.append(EventError(ref, message))
        if len(report.errors) > MAX_ERRORS:
            raise _TooManyErrors

    for index, component in enumerate(components, 1):
        warnings: list[str] = []
        ref = f"événement n° {index}"
        try:
            uid = ref = _uid(component, index, warnings)
            if component.get("RECURRENCE-ID") is not None:
                changes.append((index, uid, component))
                continue
            event = _event(component, uid, default, warnings, zones, text)
            kept = masters.get(uid)
            if kept is not None:
                newer = event.sequence >= kept.sequence
                (event if newer else kept).warnings.append(
                    "UID en double dans le fichier : seule la version la plus récente est gardée."
                )
                event = event if newer else kept
            masters[uid] = event
        except FieldError as error:
            refuse(ref, error.message)
        except Exception as error:  # noqa: BLE001 - one broken event never stops the others
            refuse(ref, _unreadable("Événement", error, text))
    for index, uid, component in changes:
        try:
            if uid in masters:
                _apply_override(masters[uid], component)
                continue
            # A changed occurrence without its series: imported alone, under its own stable id.
            warnings = [
                "Occurrence isolée (RECURRENCE-ID sans son événement principal) importée comme événement simple."
            ]
            rid = date_of(component, "RECURRENCE-ID")
            alone = f"{uid}#{rid.isoformat() if isinstance(rid, dt.date) else index}"
            masters.setdefault(alone, _event(component, alone, default, warnings, zones, text))
        except FieldError as error:
            refuse(uid, error.message)
        except Exception as error:  # noqa: BLE001
            refuse(uid, _unreadable("Occurrence", error, text))
    report.events = list(masters.values())
    return report
