"""What a wiki-party did: the live board's figures, the end report and its CSV.

Everything the party's guest accounts changed from a little before the start
on is the party's (page and record revisions, the moderation queue, the
records they created). Only public changes are listed by name; contributions waiting for
review are counted. The small map is an SVG drawn here from the places'
coordinates, readable without JavaScript. Service layer: reads only.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.moderation.models import WaitingItem
from wiki.pages.models import Page
from wiki.pages.models import PageRevision
from wiki.parties import services
from wiki.parties.models import Party
from wiki.parties.models import PartyGuest
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.revisions import Revision

#: Contributions the board lists, the latest first.
BOARD_ITEMS = 12
MAP_WIDTH, MAP_HEIGHT = 320, 220


@dataclass
class Goal:
    """A goal with its state: met, and for a count, how far."""

    id: int
    label: str
    done: bool
    count: int | None = None
    target: int = 0


@dataclass
class Place:
    """A place the party added, with its point on the small map."""

    id: int
    title: str
    lon: float
    lat: float
    x: float = 0.0
    y: float = 0.0


@dataclass
class Change:
    """One public change by a guest, as the board and the report list it."""

    kind: str
    action: str
    object_id: int
    title: str
    key: str
    who: str
    at: datetime


@dataclass
class Summary:
    """What the board and the report show."""

    party: Party
    pseudonyms: list[str]
    goals: list[Goal]
    changes: list[Change]
    places: list[Place]
    waiting: int
    pages_created: list[Change] = field(default_factory=list)
    pages_improved: list[Change] = field(default_factory=list)
    records_created: list[Change] = field(default_factory=list)
    records_improved: list[Change] = field(default_factory=list)

    @property
    def goals_met(self) -> int:
        """How many goals are met."""
        return sum(1 for g in self.goals if g.done)


def _since(party: Party) -> datetime:
    return party.starts_at - services.EARLY_JOIN


def _names(db: Session, party: Party) -> dict[int, str]:
    rows = db.execute(select(PartyGuest.user_id, PartyGuest.pseudonym).where(PartyGuest.party_id == party.id))
    return {int(uid): str(name) for uid, name in rows}


def _changes(db: Session, party: Party, names: dict[int, str]) -> list[Change]:
    """The public page and record revisions the guests wrote, the latest first."""
    ids = list(names) or [-1]
    since = _since(party)
    pages = db.execute(
        select(PageRevision.number, PageRevision.action, PageRevision.page_id, PageRevision.title, Page.slug,
               PageRevision.author_id, PageRevision.created_at)
        .join(Page, Page.id == PageRevision.page_id)
        .where(PageRevision.author_id.in_(ids), PageRevision.created_at >= since, Page.deleted_at.is_(None))
    )  # fmt: skip
    records = db.execute(
        select(Revision.number, Revision.action, Record.id, Record.title, Record.id, Revision.author_id,
               Revision.created_at)
        .join(Record, Record.id == Revision.object_id)
        .where(Revision.kind == "record", Revision.author_id.in_(ids), Revision.created_at >= since,
               Record.deleted_at.is_(None), Record.status.in_(("published", "archived")))
    )  # fmt: skip
    out = []
    for kind, rows in (("page", pages), ("record", records)):
        for number, action, oid, title, key, author, at in rows:
            verb = "create" if number == 1 else action
            out.append(Change(kind, verb, int(oid), str(title), str(key), names.get(author or 0, ""), at))
    out.sort(key=lambda c: c.at, reverse=True)
    return out


def _created_records(db: Session, party: Party, ids: list[int]) -> list[Record]:
    if not ids:
        return []
    return list(
        db.scalars(
            select(Record).where(
                Record.author_id.in_(ids), Record.created_at >= _since(party), Record.deleted_at.is_(None)
            )
        )
    )


def _waiting(db: Session, ids: list[int]) -> list[WaitingItem]:
    if not ids:
        return []
    return list(db.scalars(select(WaitingItem).where(WaitingItem.author_id.in_(ids), WaitingItem.state == "waiting")))


def _goal_counts(
    created: list[Record], changes: list[Change], waiting: list[WaitingItem], forms: dict[int, str]
) -> dict[str, int]:
    counts: dict[str, int] = {"*": 0, "page": 0}
    for record in created:
        if record.status in ("published", "archived", "pending"):
            key = forms.get(record.form_id, "")
            counts[key] = counts.get(key, 0) + 1
            counts["*"] += 1
    new_pages = {c.object_id for c in changes if c.kind == "page" and c.action == "create"}
    counts["page"] = len(new_pages) + sum(1 for w in waiting if w.kind == "page" and w.is_new)
    return counts


def _point(record: Record, geometry_fields: list[str]) -> tuple[float, float] | None:
    from shapely.geometry import shape  # shapely loads with the first board, not with every worker (issue 19)

    for fid in geometry_fields:
        value = (record.data or {}).get(fid)
        if isinstance(value, dict) and value.get("type"):
            try:
                point = shape(value).representative_point()
            except (ValueError, TypeError, AttributeError):
                continue
            return float(point.x), float(point.y)
    return None


def _places(db: Session, created: list[Record]) -> list[Place]:
    """The public places created, placed on the small map (north up, longitudes squeezed by latitude)."""
    forms = {f.id: f for f in db.scalars(select(Form).where(Form.id.in_({r.form_id for r in created})))}
    places = []
    for record in created:
        form = forms.get(record.form_id)
        if form is None or record.status not in ("published", "archived"):
            continue
        point = _point(record, [f["id"] for f in form.fields if f.get("type") == "geometry"])
        if point:
            places.append(Place(record.id, record.title, *point))
    if places:
        west, east = min(p.lon for p in places), max(p.lon for p in places)
        south, north = min(p.lat for p in places), max(p.lat for p in places)
        squeeze = math.cos(math.radians((south + north) / 2))
        pad = 20.0
        span = max((east - west) * squeeze / (MAP_WIDTH - 2 * pad), (north - south) / (MAP_HEIGHT - 2 * pad), 1e-6)
        mid_lon, mid_lat = (west + east) / 2, (south + north) / 2
        for p in places:  # centred: a single place sits in the middle
            p.x = round(MAP_WIDTH / 2 + (p.lon - mid_lon) * squeeze / span, 1)
            p.y = round(MAP_HEIGHT / 2 - (p.lat - mid_lat) / span, 1)
    return places


def _split(changes: list[Change], kind: str) -> tuple[list[Change], list[Change]]:
    """The objects of ``kind`` the party created, and those it improved (each once, oldest first)."""
    created: dict[int, Change] = {}
    touched: dict[int, Change] = {}
    for c in reversed(changes):
        if c.kind != kind:
            continue
        if c.action == "create":
            created.setdefault(c.object_id, c)
        else:
            touched.setdefault(c.object_id, c)
    return list(created.values()), [c for oid, c in touched.items() if oid not in created]


def summarise(db: Session, party: Party, *, now: datetime | None = None) -> Summary:
    """Read what ``party`` did (one short read: the caller ends its transaction)."""
    names = _names(db, party)
    ids = list(names)
    changes = _changes(db, party, names)
    created = _created_records(db, party, ids)
    waiting = _waiting(db, ids)
    forms: dict[int, str] = {int(i): str(k) for i, k in db.execute(select(Form.id, Form.key))}
    counts = _goal_counts(created, changes, waiting, forms)
    goals = []
    for goal in party.goals:
        if goal.count_of:
            count = counts.get(goal.count_of, 0)
            goals.append(
                Goal(goal.id, goal.label, count >= goal.target or goal.done_at is not None, count, goal.target)
            )
        else:
            goals.append(Goal(goal.id, goal.label, goal.done_at is not None))
    summary = Summary(
        party=party,
        pseudonyms=sorted(names.values(), key=str.casefold),
        goals=goals,
        changes=changes[:BOARD_ITEMS],
        places=_places(db, created),
        waiting=len(waiting),
    )
    summary.pages_created, summary.pages_improved = _split(changes, "page")
    summary.records_created, summary.records_improved = _split(changes, "record")
    return summary


def stamp(db: Session, party: Party) -> str:
    """A short fingerprint of the board: it changes when a contribution, a guest or a goal does."""
    ids = services.guest_ids(db, party)
    pages = db.scalar(select(func.max(PageRevision.id)).where(PageRevision.author_id.in_(ids or [-1])))
    records = db.scalar(select(func.max(Revision.id)).where(Revision.author_id.in_(ids or [-1])))
    waiting = db.scalar(select(func.count()).select_from(WaitingItem).where(WaitingItem.author_id.in_(ids or [-1])))
    ticks = ",".join(f"{g.id}:{bool(g.done_at)}" for g in party.goals)
    raw = f"{len(ids)}|{pages}|{records}|{waiting}|{ticks}|{len(_created_records(db, party, ids))}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def report_rows(summary: Summary, url_of: Any) -> Iterator[list[str]]:
    """The end report as CSV rows: a header, then one row per participant, object and goal.

    ``url_of(change)`` gives the absolute address of a page or record.
    """
    yield ["rubrique", "intitule", "participant", "date", "adresse"]
    for name in summary.pseudonyms:
        yield ["participant", name, name, "", ""]
    sections = (
        ("page creee", summary.pages_created),
        ("page amelioree", summary.pages_improved),
        ("fiche creee", summary.records_created),
        ("fiche amelioree", summary.records_improved),
    )
    for label, changes in sections:
        for c in changes:
            yield [label, c.title, c.who, c.at.isoformat(timespec="minutes"), url_of(c)]
    for place in summary.places:
        yield ["lieu ajoute", place.title, "", "", f"{place.lat:.6f},{place.lon:.6f}"]
    for goal in summary.goals:
        yield ["objectif atteint" if goal.done else "objectif restant", goal.label, "", "", ""]
    yield ["en attente de relecture", str(summary.waiting), "", "", ""]


def report_csv(summary: Summary, url_of: Any) -> str:
    """The end report as CSV text (UTF-8 with a BOM added by the caller if wanted)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in report_rows(summary, url_of):
        writer.writerow([_safe(v) for v in row])
    return out.getvalue()


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
