"""The names behind stored references, and the pickers that choose them: zones by name, linked records by title.

A zone field stores codes (INSEE ``35236``) and a link field a record id;
people read and pick names (« Redon », « Médiathèque de Redon »). This module
reads them from the database: :func:`names_for` for showing values
(:class:`wiki.records.display.Names`), :func:`zone_picker` and
:func:`record_picker` for the inputs of a record form, and :func:`zone_book`
and :func:`record_finder` for cleaning (:class:`wiki.records.fields.Context`):
a code of a level whose zones are loaded must exist, a name typed instead of
a code is looked up. Service layer: no request globals.
"""

from __future__ import annotations

import dataclasses
from collections import abc
from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.levels import parse_zone_key
from geodata.levels import zone_key
from geodata.models import RecordZone
from geodata.models import Zone
from wiki.records import fields as F
from wiki.records.display import Names
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import RecordFacet

#: Above this many zones, a zone field is a text input (a name or a code), not a list.
MAX_ZONE_OPTIONS = 2000
#: Above this many records, a link field is a search step, not a list.
MAX_RECORD_OPTIONS = 200
#: Statuses whose titles anyone may read.
READABLE_STATUSES = ("published", "archived")


@dataclasses.dataclass(frozen=True)
class Picker:
    """What a zone or link input offers: ``mode`` ``select`` (``options``), ``text`` (type a name), ``none`` (nothing
    loaded: type a code) or ``search`` (type words; ``options`` are the matches of the words typed)."""

    mode: str
    options: tuple[tuple[str, str], ...] = ()


def department_of(code: str) -> str:
    """The département of a commune's INSEE code (``35236`` → ``35``, ``97411`` → ``974``, ``2A004`` → ``2A``)."""
    return code[:3] if code.startswith("97") else code[:2]


def zone_label(level: str, code: str, name: str) -> str:
    """A zone as a picker lists it: « Redon (35) » for a commune (homonyms told apart), « name (code) » otherwise."""
    return f"{name} ({department_of(code) if level == 'commune' else code})"


def zone_picker(db: Session, field: F.FieldDef) -> Picker:
    """The loaded zones a zone field accepts, by name; ``text`` above :data:`MAX_ZONE_OPTIONS`, ``none`` without any."""
    levels = F.zone_levels_of(field)
    rows = db.execute(
        select(Zone.level, Zone.code, Zone.name)
        .where(Zone.level.in_(levels))
        .order_by(Zone.name, Zone.code)
        .limit(MAX_ZONE_OPTIONS + 1)
    ).all()
    if not rows:
        return Picker("none")
    if len(rows) > MAX_ZONE_OPTIONS:
        return Picker("text")
    return Picker("select", tuple((code, zone_label(level, code, name)) for level, code, name in rows))


def commune_options(db: Session) -> tuple[tuple[str, str], ...]:
    """``(code, « Redon (35) »)`` of the loaded communes, by name, for a filter; empty when there are none or too many."""
    return zone_picker(db, F.FieldDef(id="f_00000000", key="commune", type="zone", label="Commune")).options


def zone_book(db: Session) -> tuple[abc.Callable[[str, str], bool], abc.Callable[[str, str], list[str]]]:
    """``(exists, find)`` for cleaning: whether a zone exists (True for a level with no zone loaded), and the codes
    of the zones of a level whose name (or « name (département) ») is the text given. Asked lazily, once each."""
    loaded: dict[str, bool] = {}
    known: dict[tuple[str, str], bool] = {}

    def exists(level: str, code: str) -> bool:
        """Whether the zone exists, or True when no zone of its level is loaded."""
        if level not in loaded:
            loaded[level] = (db.scalar(select(func.count()).select_from(Zone).where(Zone.level == level)) or 0) > 0
        if not loaded[level]:
            return True
        if (level, code) not in known:
            found = db.scalar(select(Zone.code).where(Zone.level == level, Zone.code == code))
            known[(level, code)] = found is not None
        return known[(level, code)]

    def find(level: str, text: str) -> list[str]:
        """The codes of the zones of ``level`` called ``text`` (« Redon », « Redon (35) »)."""
        name, _, hint = text.strip().partition(" (")
        hint = hint.removesuffix(")").strip().upper()
        wanted = F.fold(name)
        if not wanted:
            return []
        rows = db.execute(
            select(Zone.code, Zone.name).where(Zone.level == level, func.lower(Zone.name) == name.strip().lower())
        ).all() or [
            row
            for row in db.execute(select(Zone.code, Zone.name).where(Zone.level == level))
            if F.fold(row.name) == wanted
        ]
        codes = [code for code, _ in rows]
        if hint:
            codes = [c for c in codes if (department_of(c) if level == "commune" else c) == hint]
        return sorted(codes)

    return exists, find


def record_finder(db: Session) -> abc.Callable[[str, str], list[tuple[int, str]]]:
    """``find(form key, words)``: the readable live records of a form whose title holds the words (exact title
    first), at most 20, as ``(id, title)``."""

    def find(form_key: str, words: str) -> list[tuple[int, str]]:
        """The records of the form whose title holds the words."""
        return _matches(db, form_key, words)

    return find


def _target(db: Session, field: F.FieldDef) -> Any:
    key = field.options.get("form")
    query = select(Form.id).where(Form.deleted_at.is_(None))
    return db.scalar(query.where(Form.key == key)) if isinstance(key, str) else None


def _live(form_id: Any) -> Any:
    return select(Record.id, Record.title).where(
        Record.form_id == form_id, Record.deleted_at.is_(None), Record.status.in_(READABLE_STATUSES)
    )


def _matches(db: Session, form_key: str, words: str) -> list[tuple[int, str]]:
    form_id = db.scalar(select(Form.id).where(Form.key == form_key, Form.deleted_at.is_(None)))
    folded = F.fold(words)
    if form_id is None or not folded:
        return []
    rows = db.execute(_live(form_id).order_by(Record.title, Record.id)).all()
    exact = [(i, t) for i, t in rows if F.fold(t) == folded]
    if exact:
        return exact[:20]
    parts = folded.split()
    return [(i, t) for i, t in rows if all(p in F.fold(t) for p in parts)][:20]


def record_picker(db: Session, field: F.FieldDef, typed: str = "") -> Picker:
    """The records a link field may point to, by title: ``select`` for a small form, else ``search`` (the matches of
    the words ``typed``); ``none`` for a page link or an unknown form."""
    if field.options.get("target") == "page":
        return Picker("none")
    form_id = _target(db, field)
    if form_id is None:
        return Picker("none")
    count = db.scalar(select(func.count()).select_from(_live(form_id).subquery())) or 0
    if count <= MAX_RECORD_OPTIONS:
        rows = db.execute(_live(form_id).order_by(Record.title, Record.id)).all()
        return Picker("select", tuple((str(i), t) for i, t in rows))
    found = _matches(db, str(field.options.get("form")), typed) if typed and not typed.isdigit() else []
    return Picker("search", tuple((str(i), t) for i, t in found))


def pickers_for(
    db: Session, fields: abc.Sequence[F.FieldDef], values: abc.Mapping[str, Any]
) -> tuple[dict[str, Picker], dict[str, Any]]:
    """What the zone and link inputs of a record form offer (by field key), and the values the inputs show: a linked
    record of a search step shows its title (words to search again), not its id."""
    pickers: dict[str, Picker] = {}
    shown = dict(values)
    for field in fields:
        if field.type == "zone":
            pickers[field.key] = zone_picker(db, field)
        elif field.type == "link":
            typed = str(shown.get(field.key) or "").strip()
            pickers[field.key] = picker = record_picker(db, field, typed)
            if picker.mode == "search" and typed.isdigit() and len(typed) < 19:
                shown[field.key] = record_titles(db, [int(typed)]).get(int(typed), typed)
    return pickers, shown


def names_for(db: Session, fields: abc.Sequence[F.FieldDef], datas: abc.Iterable[abc.Mapping[str, Any]]) -> Names:
    """The names of the zones and the titles of the linked records the values ``datas`` (keyed by field id) hold."""
    zones: set[str] = set()
    ids: set[int] = set()
    wanted = [f for f in fields if f.type in ("zone", "link")]
    if not wanted:
        return Names()
    for data in datas:
        for field in wanted:
            value = data.get(field.id)
            if field.type == "link":
                if isinstance(value, abc.Mapping) and isinstance(value.get("record_id"), int):
                    ids.add(value["record_id"])
                continue
            for code in value if isinstance(value, list) else [value] if value else []:
                level = F.zone_level(field, str(code))
                if level is not None:
                    zones.add(zone_key(level, str(code)))
    return Names(zones=zone_names(db, zones), records=record_titles(db, ids))


def zone_names(db: Session, keys: abc.Iterable[str]) -> dict[str, str]:
    """Names of the zones among ``keys`` (``35236``, ``epci:243500139``), by key."""
    by_level: dict[str, list[str]] = {}
    for key in keys:
        parsed = parse_zone_key(key)
        if parsed is not None:
            by_level.setdefault(parsed[0], []).append(parsed[1])
    out: dict[str, str] = {}
    for level, codes in by_level.items():
        for start in range(0, len(codes), 500):
            rows = db.execute(
                select(Zone.code, Zone.name).where(Zone.level == level, Zone.code.in_(codes[start : start + 500]))
            )
            out.update((zone_key(level, code), name) for code, name in rows)
    return out


def record_titles(db: Session, ids: abc.Iterable[int]) -> dict[int, str]:
    """Titles of the readable live records among ``ids`` (a draft's title is nobody else's business)."""
    wanted = sorted(set(ids))
    out: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        rows = db.execute(
            select(Record.id, Record.title).where(
                Record.id.in_(wanted[start : start + 500]),
                Record.deleted_at.is_(None),
                Record.status.in_(READABLE_STATUSES),
            )
        )
        out.update((i, t) for i, t in rows)
    return out


def zone_facet_labels(db: Session, fields: abc.Sequence[F.FieldDef]) -> dict[str, dict[str, str]]:
    """Per zone field key, the name of each code its facet rows hold (what a list's filters show: « Redon (3) »)."""
    out: dict[str, dict[str, str]] = {}
    for field in fields:
        if field.type != "zone":
            continue
        codes = db.scalars(select(RecordFacet.value).where(RecordFacet.field_id == field.id).distinct().limit(5000))
        keys = {zone_key(level, c): c for c in codes if (level := F.zone_level(field, c)) is not None}
        names = zone_names(db, keys)
        out[field.key] = {code: names[key] for key, code in keys.items() if key in names}
    return out


def record_place(db: Session, record: Record) -> list[tuple[str, str]]:
    """``(code, name)`` of the communes a record lies in (its commune field, or where its geometry falls), by name."""
    rows = db.execute(
        select(Zone.code, Zone.name)
        .join(RecordZone, (RecordZone.zone_level == Zone.level) & (RecordZone.zone_code == Zone.code))
        .where(RecordZone.record_id == record.id, Zone.level == "commune")
        .order_by(Zone.name)
        .limit(20)
    )
    return [(code, name) for code, name in rows]
