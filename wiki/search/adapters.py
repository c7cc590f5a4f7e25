"""One search adapter per indexed kind (STYLE R14): what is public, and as what document.

The index is public, so an adapter is where permissions are enforced: a
page is indexed unless deleted; a record only when an anonymous visitor may
read it (published or archived, form not deleted), and then only with the
values an anonymous visitor may read (``visible_fields(Anonymous, …)``: never a
private or members-only field, never personal data unless the record's consent
box for it is ticked, :mod:`wiki.records.disclosure`). A record whose title
field is not public gets a neutral title (« Lieu n° 12 »). Unticking a box
saves the record, which sends it back to the index without the value.

Documents are rebuilt from the current state of the object, never from the
derived ``Record.search_text`` column, which keeps the visibility of fields
at the last save: a field made private since must leave the index when the
form changes, before any record is saved again.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from typing import ClassVar
from typing import Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import object_session
from sqlalchemy.orm import selectinload

from geodata.levels import LEVELS as ZONE_LEVELS
from geodata.levels import zone_key
from geodata.models import Zone
from geodata.zones import LEVEL_LABELS
from wiki import markup
from wiki import signals
from wiki.auth import permissions
from wiki.auth.services import Anonymous
from wiki.pages.models import Page
from wiki.pages.services import page_url
from wiki.records import access
from wiki.records import display
from wiki.records import fields as F
from wiki.records import form_services
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import Theme
from wiki.search import record_zones
from wiki.search.backend import MAX_BODY_CHARS
from wiki.search.backend import Document

#: Record statuses an anonymous visitor may read (``permissions.can_view_record``).
PUBLIC_STATUSES: tuple[str, ...] = ("published", "archived")
EXCERPT_CHARS = 240
#: Objects loaded per query when indexing many.
LOAD_BATCH = 500
_THEMES_CACHE = "lieudit.search.themes"
_LINE_CHARS = 1_900


def plain_text(markdown: str, limit: int = MAX_BODY_CHARS) -> str:
    """Return the words of a Markdown text, without markup (code blocks left out).

    ``markup.excerpt`` reads at most 2,000 characters of a line: long
    paragraphs are cut into pieces at spaces first, so no word is lost.
    """
    lines: list[str] = []
    for line in markdown[: limit * 2].splitlines():
        while len(line) > _LINE_CHARS:
            cut = line.rfind(" ", 0, _LINE_CHARS)
            cut = cut if cut > 0 else _LINE_CHARS
            lines.append(line[:cut])
            line = line[cut:].lstrip(" ")
        lines.append(line)
    return markup.excerpt("\n".join(lines), limit)


def doc_id(kind: str, key: Any) -> str:
    """Return the document id of an object: ``"page:42"``."""
    return f"{kind}:{key}"


def split_id(value: str) -> tuple[str, str]:
    """Split ``"page:42"`` into ``("page", "42")``."""
    kind, _, key = value.partition(":")
    return kind, key


class Adapter(Protocol):
    """What the indexer needs to know about one kind of object.

    ``signals`` names the domain signals after which an object of this kind
    must be re-read, with the keyword argument that carries it: the indexer
    subscribes to them (:func:`wiki.search.indexer.connect`). ``model`` needs
    an integer ``id`` and an ``updated_at`` column (``rebuild`` catches up on it).
    """

    kind: str
    model: Any
    #: Name of the kind (a lazy French msgid), shown as the facet « Type ».
    label: Any
    signals: tuple[tuple[Any, str], ...]

    def is_indexable(self, obj: Any) -> bool:
        """Tell whether the object may appear in public search."""
        ...

    def to_document(self, obj: Any) -> Document:
        """Return the document of an indexable object."""
        ...

    def select_indexable(self) -> Select[Any]:
        """Return the query of the indexable objects (same rule as :meth:`is_indexable`)."""
        ...


class _Base(abc.ABC):
    """Shared loading helpers; subclasses set ``kind`` and ``model``."""

    kind: ClassVar[str]
    model: ClassVar[Any]
    label: ClassVar[Any]
    signals: ClassVar[tuple[tuple[Any, str], ...]] = ()

    @abc.abstractmethod
    def select_indexable(self) -> Select[Any]:
        """Return the query of the indexable objects."""

    def all_ids(self, db: Session) -> set[str]:
        """Return the document ids of every indexable object."""
        query = self.select_indexable().with_only_columns(self.model.id)
        return {doc_id(self.kind, key) for key in db.scalars(query)}

    def load(self, db: Session, key: Any) -> Any:
        """Return the object with primary key ``key``, or None."""
        try:
            return db.get(self.model, int(key))
        except (TypeError, ValueError):
            return None

    def load_many(self, db: Session, keys: Iterable[Any], *options: Any) -> dict[int, Any]:
        """Return the existing objects among ``keys``, by primary key (loader ``options`` applied)."""
        wanted = sorted({int(k) for k in keys if str(k).isdigit()})
        found: dict[int, Any] = {}
        for start in range(0, len(wanted), LOAD_BATCH):
            chunk = wanted[start : start + LOAD_BATCH]
            found.update(
                (obj.id, obj)
                for obj in db.scalars(select(self.model).where(self.model.id.in_(chunk)).options(*options)).unique()
            )
        return found

    def load_for_indexing(self, db: Session, keys: Iterable[Any]) -> dict[int, Any]:
        """Return the existing objects among ``keys`` by primary key, with what their documents need read set-wise."""
        return self.load_many(db, keys)

    def iter_indexable(self, db: Session, ids: tuple[int, int] | None = None) -> Iterator[Any]:
        """Yield every indexable object (with an id between ``ids``, bounds included, if given), by batches."""
        query = self.select_indexable() if ids is None else self.select_indexable().where(self.model.id.between(*ids))
        yield from db.scalars(query.order_by(self.model.id).execution_options(yield_per=LOAD_BATCH))

    def changed_since(self, db: Session, since: datetime) -> set[int]:
        """Return the keys of objects changed at or after ``since`` (indexable or not)."""
        return set(db.scalars(select(self.model.id).where(self.model.updated_at >= since)))


class PageAdapter(_Base):
    """Wiki pages: indexed unless deleted, from the current revision's text."""

    kind = "page"
    model = Page
    label = _l("Page")
    signals = ((signals.page_saved, "page"), (signals.page_deleted, "page"))

    def is_indexable(self, page: Page) -> bool:
        """A live page with a revision is public."""
        return page.deleted_at is None and page.current_revision is not None

    def select_indexable(self) -> Select[Any]:
        """Live pages with a revision."""
        return select(Page).where(Page.deleted_at.is_(None), Page.current_revision_id.is_not(None))

    def to_document(self, page: Page) -> Document:
        """Title and plain text of the current revision (Markdown removed)."""
        body = page.current_revision.body if page.current_revision else ""
        return Document(
            id=doc_id(self.kind, page.id),
            kind=self.kind,
            form="",
            title=page.title,
            body=plain_text(body),
            excerpt=markup.excerpt(body, EXCERPT_CHARS),
            url=page_url(page.slug),
            themes=[],
            zones=[],
            status="",
            updated_at=page.updated_at,
        )


def _listed(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def _theme_words(db: Session | None) -> dict[str, str]:
    """Label and synonyms of each theme, cached in the session (one query per bulk run)."""
    if db is None:
        return {}
    cached = db.info.get(_THEMES_CACHE)
    if cached is None:
        cached = {t.key: " ".join([t.label, *t.synonyms]) for t in db.scalars(select(Theme))}
        db.info[_THEMES_CACHE] = cached
    return cached


class RecordAdapter(_Base):
    """Records: only public ones, only the values they show to anyone."""

    kind = "record"
    model = Record
    label = _l("Fiche")
    signals = (
        (signals.record_saved, "record"),
        (signals.record_deleted, "record"),
        (signals.record_redacted, "record"),
    )

    def is_indexable(self, record: Record) -> bool:
        """Published or archived, not deleted, form not deleted."""
        return (
            record.deleted_at is None
            and record.form is not None
            and record.form.deleted_at is None
            and record.status in PUBLIC_STATUSES
            and permissions.can_view_record(Anonymous(), record)
        )

    def select_indexable(self) -> Select[Any]:
        """Live public records of live forms (each form loaded once, not joined to every row)."""
        return (
            select(Record)
            .join(Form, Form.id == Record.form_id)
            .where(Record.deleted_at.is_(None), Form.deleted_at.is_(None), Record.status.in_(PUBLIC_STATUSES))
            .options(selectinload(Record.form))
        )

    def public_fields(self, record: Record) -> list[F.FieldDef]:
        """The fields whose values in this record an anonymous visitor may read."""
        return access.visible_fields(Anonymous(), record)

    def to_document(self, record: Record) -> Document:
        """Public values as text (with theme labels and synonyms), themes and zones as facets."""
        form = record.form
        public = self.public_fields(record)
        by_key = {d.key: d for d in public}
        title = record.title if form.title_field in by_key else f"{form.title} n° {record.id}"
        themes = [v for d in public if d.type == "theme" for v in _listed(record.data.get(d.id))]
        zones = [
            zone_key(level, v)
            for d in public
            if d.type == "zone"
            for v in _listed(record.data.get(d.id))
            if (level := F.zone_level(d, v)) is not None
        ]
        zones += [key for key in record_zones.located_in(object_session(record), record.id) if key not in zones]
        words = _theme_words(object_session(record))
        text = display.search_text(form_services.form_fields(form), record.data, visibility="public")
        extra = " ".join(words.get(key, "") for key in themes)
        body = "\n".join(part for part in (form.title, text, extra) if part)
        return Document(
            id=doc_id(self.kind, record.id),
            kind=self.kind,
            form=form.key,
            title=title,
            body=body[:MAX_BODY_CHARS],
            excerpt=markup.excerpt(text.replace("\n", " · "), EXCERPT_CHARS),
            url=f"/fiches/{record.id}",
            themes=themes,
            zones=zones,
            status=record.status,
            updated_at=record.updated_at,
        )

    def iter_indexable(self, db: Session, ids: tuple[int, int] | None = None) -> Iterator[Record]:
        """Yield every indexable record by batches, the map zones of a batch read in one query, not one per record."""
        batch: list[Record] = []
        try:
            for record in super().iter_indexable(db, ids):
                batch.append(record)
                if len(batch) >= LOAD_BATCH:
                    record_zones.remember(db, [r.id for r in batch], replace=True)
                    yield from batch
                    batch = []
            record_zones.remember(db, [r.id for r in batch], replace=True)
            yield from batch
        finally:
            record_zones.forget(db)

    def load_for_indexing(self, db: Session, keys: Iterable[Any]) -> dict[int, Record]:
        """Return the existing records among ``keys``, their map zones read set-wise into ``db`` (a drain's own session).

        Each form is loaded once, not joined to (and parsed for) every record.
        """
        found = self.load_many(db, keys, selectinload(Record.form))
        record_zones.remember(db, sorted(found), replace=False)
        return found


class ZoneAdapter(_Base):
    """Territory zones (communes, EPCI, départements): public by nature, found by name or code."""

    kind = "zone"
    model = Zone
    label = _l("Territoire")
    signals = ((signals.zone_saved, "zone"),)

    def is_indexable(self, zone: Zone) -> bool:
        """Every zone is public."""
        return zone.level in ZONE_LEVELS

    def select_indexable(self) -> Select[Any]:
        """All zones."""
        return select(Zone).where(Zone.level.in_(ZONE_LEVELS))

    def to_document(self, zone: Zone) -> Document:
        """Name, level and code: « Redon, commune (35236) »."""
        level = str(LEVEL_LABELS.get(zone.level, zone.level))
        text = f"{zone.name}, {level} ({zone.code})"
        return Document(
            id=doc_id(self.kind, zone.id),
            kind=self.kind,
            form="",
            title=zone.name,
            body=text,
            excerpt=text,
            url=f"/zones/{zone.level}/{zone.code}",
            themes=[],
            zones=[zone_key(zone.level, zone.code)],
            status="",
            updated_at=zone.updated_at,
        )


#: The catalog of indexed kinds (STYLE R14), in display order; a new kind is one
#: adapter class and one :func:`register` call (before ``search.init_app``).
ADAPTERS: dict[str, Any] = {}


def register(adapter: Any) -> Any:
    """Add an adapter (an object following :class:`Adapter`) to the catalog; return it."""
    ADAPTERS[adapter.kind] = adapter
    return adapter


register(PageAdapter())
register(RecordAdapter())
register(ZoneAdapter())


def to_document(obj: Any) -> Document | None:
    """Return the document of any indexed object, or None when it must not be indexed."""
    for adapter in ADAPTERS.values():
        if isinstance(obj, adapter.model):
            return adapter.to_document(obj) if adapter.is_indexable(obj) else None
    raise TypeError(f"no search adapter for {type(obj).__name__}")


def is_indexable(obj: Any) -> bool:
    """Tell whether any indexed object may appear in public search."""
    return to_document(obj) is not None


def all_ids(db: Session) -> set[str]:
    """Return the document ids of every indexable object of every kind."""
    return set().union(*(adapter.all_ids(db) for adapter in ADAPTERS.values()))


def load(db: Session, value: str) -> Any:
    """Return the object of a document id (``"record:7"``), or None."""
    kind, key = split_id(value)
    adapter = ADAPTERS.get(kind)
    return adapter.load(db, key) if adapter else None
