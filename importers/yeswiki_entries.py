"""Bazar entries as record values: dates, places, choices, links, status, author.

Pure module. :func:`observe` first measures the entries of a form (longest
texts, the tags used) so its fields can take them; :func:`entry_data` then
reads one entry through its :class:`~importers.yeswiki_bazar.FormPlan`:

- dates: ``2019-10-29``, ``29/10/2019`` or ``2020-01-25T12:00:00+00:00``
  (with ``…_allday``), a start and an end making one schedule (an end before
  the start is dropped, with a warning);
- a place: ``bf_latitude``/``bf_longitude``, ``carte_google`` (``lat|lon``)
  or ``geolocation``, as a GeoJSON point;
- choices: Bazar keys (``1,3``) as our choice values;
- links to other entries: their ``id_fiche`` s, for the importer to resolve;
- long texts in YesWiki syntax converted to Markdown;
- ``statut_fiche`` 1 → published, 0 → pending; the author (``createur``) and
  creation date kept as provenance.

Every property that maps to no field (attached file names included, the files
not being in the dump) is kept in ``extra``, the record's « autres
propriétés »; :func:`fit` moves there too any value our fields refuse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from importers.yeswiki_bazar import FormPlan
from importers.yeswiki_bazar import Slot
from importers.yeswiki_bazar import choices_of
from importers.yeswiki_bazar import is_internal
from importers.yeswiki_source import read_time
from importers.yeswiki_syntax import to_markdown
from wiki.records import fields as F

_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})/(\d{1,2})/(\d{4})")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
STATUSES = {"1": "published", "0": "pending"}


@dataclass
class EntryData:
    """One entry as record values (by field key), other properties, links to resolve, and provenance."""

    values: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)  # field key -> id_fiche s
    warnings: list[str] = field(default_factory=list)
    status: str = "published"
    author: str = ""
    created: datetime | None = None


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, (list, tuple)):
        return ",".join(_text(item) for item in raw)
    if isinstance(raw, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in raw.items())
    return str(raw).strip()


def observe(plan: FormPlan, entries: Iterable[Mapping[str, Any]]) -> None:
    """Fit the plan's fields to its entries: longest texts, long rebuilt texts as long texts, tags as choices."""
    for values in entries:
        for slot in plan.slots:
            raw = _text(values.get(slot.sources[0]))
            if slot.type in ("text", "longtext"):
                slot.longest = max(slot.longest, len(raw))
                if plan.rebuilt and slot.type == "text" and ("\n" in raw or len(raw) > 300):
                    slot.type = "longtext"
            elif slot.type == "multichoice" and not slot.list_name:
                slot.choices.update({tag.strip(): tag.strip() for tag in raw.split(",") if tag.strip()})
    for slot in plan.slots:
        if slot.type == "multichoice" and not slot.list_name:
            mapped = choices_of(slot.choices)
            slot.tags = {tag: value for tag, (value, _label) in mapped.items()}
            slot.choices = dict(mapped.values())
            slot.type = "multichoice" if 0 < len(slot.choices) <= 500 else "text"


def _day(raw: str) -> str | None:
    match = _DAY.search(raw)
    if not match:
        return None
    year, month, day = match.group(1, 2, 3) if match.group(1) else match.group(6, 5, 4)
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


def _moment(values: Mapping[str, Any], name: str) -> tuple[str | None, bool]:
    """A Bazar date: (ISO date or date-time, all day?)."""
    raw = _text(values.get(name))
    if _MOMENT.match(raw) and _text(values.get(f"{name}_allday")) != "1":
        return raw.replace(" ", "T"), False
    return _day(raw), True


def _schedule(slot: Slot, values: Mapping[str, Any], data: EntryData) -> dict[str, Any] | None:
    start, all_day = _moment(values, slot.sources[0])
    end, end_all_day = _moment(values, slot.sources[1])
    if start is None:
        return None
    if end is not None and all_day != end_all_day:
        all_day, start, end = True, start[:10], end[:10]
    if end is not None and _compare(end) < _compare(start):
        data.warnings.append(f"fin ({end}) avant le début ({start}) : fin non reprise")
        end = None
    return {"start": start, "end": end, "all_day": all_day}


def _compare(moment: str) -> datetime:
    try:
        return datetime.fromisoformat(moment).replace(tzinfo=None)
    except ValueError:
        return datetime.min


def _point(slot: Slot, values: Mapping[str, Any]) -> dict[str, Any] | None:
    place = values.get("geolocation")
    lat, lon = _text(values.get(slot.sources[0])), _text(values.get(slot.sources[1]))
    if isinstance(place, Mapping):
        lat, lon = lat or _text(place.get(slot.sources[0])), lon or _text(place.get(slot.sources[1]))
    if not (lat and lon) and "|" in _text(values.get("carte_google")):
        lat, lon = _text(values.get("carte_google")).split("|", 1)
    try:
        latitude, longitude = float(lat.replace(",", ".")), float(lon.replace(",", "."))
    except ValueError:
        return None
    return {"type": "Point", "coordinates": [longitude, latitude]}


def _value(slot: Slot, values: Mapping[str, Any], lists: Mapping[str, Mapping[str, str]], data: EntryData) -> Any:
    raw = _text(values.get(slot.sources[0]))
    if slot.type == "schedule":
        return _schedule(slot, values, data)
    if slot.type == "geometry":
        return _point(slot, values)
    if slot.type == "date":
        return _day(raw)
    if slot.type in ("choice", "multichoice"):
        known = lists.get(slot.list_name, {}) if slot.list_name else slot.tags
        keys = list(dict.fromkeys(k.strip() for k in raw.split(",") if k.strip()))
        chosen = list(dict.fromkeys(known[k] for k in keys if k in known))
        if len(chosen) < len(keys):
            data.extra[slot.label] = raw
            data.warnings.append(f"« {slot.label} » : choix inconnu(s) dans « {raw} », gardé(s) à part")
        return (chosen[0] if chosen else None) if slot.type == "choice" else chosen
    if slot.type == "link":
        data.links[slot.key] = [k.strip() for k in raw.split(",") if k.strip()]
        return None
    if slot.type in ("image", "file"):
        if raw:
            data.extra[slot.label] = raw
        return None
    if slot.type == "url" and raw.rstrip("/") in ("http:", "https:"):
        return None
    if slot.wiki and raw:
        return to_markdown(raw).markdown.strip()
    return raw or None


def entry_data(plan: FormPlan, values: Mapping[str, Any], lists: Mapping[str, Mapping[str, str]]) -> EntryData:
    """Read one entry (its JSON values) through the plan of its form; ``lists``: list -> Bazar key -> our value."""
    data = EntryData()
    used: set[str] = set()
    for slot in plan.slots:
        used.update(slot.sources)
        value = _value(slot, values, lists, data)
        if value not in (None, "", []):
            data.values[slot.key] = value
    for name, raw in values.items():
        text = _text(raw)
        if name not in used and not is_internal(name) and text:
            data.extra[name] = text
    status = _text(values.get("statut_fiche"))
    data.status = STATUSES.get(status, "pending")
    if status not in STATUSES and status:
        data.warnings.append(f"statut {status} inconnu : fiche mise en attente de validation")
    data.author = _text(values.get("createur") or values.get("owner"))
    data.created = read_time(values.get("date_creation_fiche"))
    return data


def fit(defs: Sequence[F.FieldDef], data: EntryData, ctx: F.Context) -> None:
    """Move the values our fields refuse (a malformed address…) to ``extra``, saying so in ``warnings``."""
    for definition in defs:
        raw = data.values.get(definition.key)
        if raw is None:
            continue
        try:
            F.clean_value(definition, raw, ctx)
        except F.FieldError as error:
            data.values.pop(definition.key)
            data.extra[definition.label] = _text(raw)[:2000]
            data.warnings.append(f"« {definition.label} » : {error.message} Valeur gardée à part.")


def missing_required(defs: Sequence[F.FieldDef], data: EntryData) -> list[str]:
    """Labels of the required fields the entry leaves empty (such a record is imported as a draft)."""
    return [d.label for d in defs if d.required and data.values.get(d.key) in (None, "", [], False)]
