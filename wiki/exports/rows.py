"""The public rows every download reads, and the validators of downloads.

A service (STYLE R6): no request globals. Privacy by construction
(HOSTILE_INPUTS B8-73, B8-75): only *published*, live records of live forms
are read, and each row carries only the values its record shows to anyone,
so a personal value whose box is unticked is an empty cell; the changes of a
dataset are its public activities. Rows are fetched in keyset-paginated
batches of plain tuples (no ORM identity map), so an export of any size runs
in constant memory. ``export_state`` is the validator (ETag, Last-Modified)
of a download: it changes whenever its bytes may.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from collections.abc import Iterator
from datetime import UTC
from datetime import date
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.levels import zone_key
from geodata.models import Zone
from wiki.activity.models import Activity
from wiki.errors import ValidationError
from wiki.exports import columns as cols
from wiki.exports.constants import BATCH_SIZE
from wiki.exports.constants import PAGES_KEY
from wiki.exports.models import DatasetMeta
from wiki.pages.models import Page
from wiki.pages.models import PageRevision
from wiki.records import form_services
from wiki.records.models import ChoiceList
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.schema import FieldDef
from wiki.revisions import Revision


@dataclasses.dataclass(frozen=True)
class ExportState:
    """What an export's bytes depend on: its validator and its date."""

    etag: str
    last_modified: datetime | None


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A download before it is served: its validator, known now, and its body, streamed later.

    ``body(session)`` yields the bytes through the session it is given (a read-only one of its own, opened
    when the first chunk is asked for), never the request's.
    """

    state: ExportState
    body: Callable[[Session], Iterator[bytes]]


# --- fields and columns ------------------------------------------------------------


def public_fields(form: Form) -> list[FieldDef]:
    """Return the fields of a form whose values may leave the wiki: public, personal ones only under a consent box."""
    return form_services.disclosure(form).columns("public")


def dataset_columns(db: Session, form: Form) -> list[cols.Column]:
    """Return the export columns of a form, with the allowed values of its choice fields and its consent boxes."""
    fields = public_fields(form)
    labels = form_services.value_labels(db, form)
    choices = {field.key: list(labels.get(field.key, {})) for field in fields if field.type == "choice"}
    rule = form_services.disclosure(form)
    consents = {field.key: box.label for field in fields if (box := rule.consent_field(field)) is not None}
    return cols.columns_for(fields, choices, consents)


def aware(value: Any) -> datetime | None:
    """Return a database datetime (or an aggregate's text) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):  # aggregates skip the column type on SQLite
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# --- export rows -------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return aware(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[union-attr]
    return value.isoformat() if isinstance(value, date) else str(value)


def parse_since(raw: str | None) -> datetime | None:
    """Read ``?since=``: an ISO date (midnight UTC) or date and time (UTC when no offset is given).

    :raises ValidationError: anything else.
    """
    if raw is None or raw == "":
        return None
    # A "+" of an offset arrives as a space when the client did not encode it.
    text = raw.strip().replace(" ", "+")
    try:
        if len(text) == 10:
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(
            str(
                _l(
                    "Paramètre « since » invalide : une date ISO est attendue, par exemple 2026-05-02 ou 2026-05-02T14:00:00Z."
                )
            )
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iter_rows(
    db: Session, form: Form, *, since: datetime | None = None, batch: int = BATCH_SIZE
) -> Iterator[dict[str, Any]]:
    """Yield the published records of a form as export rows, in id order, in batches.

    A row is ``{"id", "data", "updated_at", "verified_at"}``; ``data`` holds
    only the values the record shows to anyone (a personal value whose consent
    box is unticked is left out), and is read through the columns of
    :func:`public_fields`.
    """
    rule = form_services.disclosure(form)
    names = zone_name_map(db, public_fields(form))
    last = 0
    while True:
        query = select(Record.id, Record.data, Record.updated_at, Record.verified_at).where(
            Record.form_id == form.id, Record.status == "published", Record.deleted_at.is_(None), Record.id > last
        )
        if since is not None:
            query = query.where(Record.updated_at >= since)
        rows = db.execute(query.order_by(Record.id).limit(batch)).all()
        for row in rows:
            yield {
                "id": row.id,
                "data": rule.values(row.data or {}),
                "updated_at": _iso(row.updated_at),
                "verified_at": _iso(row.verified_at),
                "zone_names": names,
            }
        if len(rows) < batch:
            return
        last = rows[-1].id


def zone_name_map(db: Session, fields: list[FieldDef]) -> dict[str, str]:
    """The names of the loaded zones of the levels the zone fields among ``fields`` accept, by zone key."""
    levels = sorted({level for f in fields if f.type == "zone" for level in cols.zone_levels_of(f)})
    if not levels:
        return {}
    rows = db.execute(select(Zone.level, Zone.code, Zone.name).where(Zone.level.in_(levels)))
    return {zone_key(level, code): name for level, code, name in rows}


def removed_since(db: Session, form: Form, since: datetime) -> list[dict[str, Any]]:
    """Return tombstones ``{"id", "removed_at"}`` of records that left the dataset since ``since``.

    A record leaves when it is deleted, archived or taken back to draft or
    review. Only records that were once published are listed, so a draft's
    existence is never revealed (HOSTILE_INPUTS B11-96).
    """
    rows = db.execute(
        select(Record.id, Record.updated_at)
        .where(
            Record.form_id == form.id,
            Record.updated_at >= since,
            or_(Record.deleted_at.is_not(None), Record.status != "published"),
        )
        .order_by(Record.id)
        .limit(10_000)
    ).all()
    out: list[dict[str, Any]] = []
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        ids = [row.id for row in chunk]
        once = set(db.scalars(select(Revision.object_id).distinct().where(
            Revision.kind == "record", Revision.object_id.in_(ids), Revision.snapshot["status"].as_string() == "published"
        )))  # fmt: skip
        out.extend({"id": row.id, "removed_at": _iso(row.updated_at)} for row in chunk if row.id in once)
    return out


def _exact(value: Any) -> str | None:
    """A timestamp to the microsecond: two saves in one second must give two validators."""
    moment = aware(value)
    return moment.isoformat() if moment else None


def export_state(db: Session, form: Form | None, *, variant: str) -> ExportState:
    """Return the validator of an export: it changes whenever its bytes may change.

    :param variant: what else the bytes depend on (format, ``since``, base address).
    """
    if form is None:
        latest, count = db.execute(select(func.max(Page.updated_at), func.count()).select_from(Page)).one()
        parts: list[Any] = ["pages", _exact(latest), count]
        modified = aware(latest)
        key = PAGES_KEY
    else:
        latest, count = db.execute(
            select(func.max(Record.updated_at), func.count()).where(Record.form_id == form.id)
        ).one()
        lists = db.scalar(select(func.max(ChoiceList.updated_at)))
        parts = [form.id, form.revision_number, _exact(form.updated_at), _exact(latest), count, _exact(lists)]
        modified = max((d for d in (aware(latest), aware(form.updated_at)) if d is not None), default=None)
        key = form.key
    meta = db.scalar(select(DatasetMeta).where(DatasetMeta.key == key))
    if meta is not None:
        parts.append(meta.revision_number)
        modified = max((d for d in (modified, aware(meta.updated_at)) if d is not None), default=None)
    digest = hashlib.sha256(repr((parts, variant)).encode()).hexdigest()[:32]
    return ExportState(etag=digest, last_modified=modified)


# --- pages -------------------------------------------------------------------------


def iter_pages(db: Session, *, since: datetime | None = None, batch: int = 200) -> Iterator[dict[str, Any]]:
    """Yield live pages with their current text, in id order, in batches."""
    last = 0
    while True:
        query = (
            select(Page.id, Page.slug, Page.title, Page.updated_at, Page.created_at, PageRevision.number, PageRevision.body)
            .join(PageRevision, PageRevision.id == Page.current_revision_id)
            .where(Page.deleted_at.is_(None), Page.id > last)
        )  # fmt: skip
        if since is not None:
            query = query.where(Page.updated_at >= since)
        rows = db.execute(query.order_by(Page.id).limit(batch)).all()
        for row in rows:
            yield {"slug": row.slug, "title": row.title, "revision": row.number, "body": row.body,
                   "created_at": _iso(row.created_at), "updated_at": _iso(row.updated_at)}  # fmt: skip
        if len(rows) < batch:
            return
        last = rows[-1].id


# --- changes -----------------------------------------------------------------------


def dataset_changes(db: Session, key: str, *, since: datetime | None = None, limit: int = 50) -> list[Activity]:
    """Return the latest public changes of a dataset's records (or of the pages), newest first.

    Only changes of records that are published now are listed, and deletions
    of records that were published: an unpublished record drops out. ``since``
    keeps the changes made since then.

    :raises NotFound: no such dataset.
    """
    if key == PAGES_KEY:
        query = select(Activity).where(Activity.public.is_(True), Activity.kind == "page")
    else:
        form = form_services.get_form(db, key)
        visible = or_((Record.status == "published") & Record.deleted_at.is_(None), Activity.action == "delete")
        query = (
            select(Activity).join(Record, Record.id == Activity.object_id)
            .where(Activity.public.is_(True), Activity.kind == "record", Record.form_id == form.id, visible)
        )  # fmt: skip
    if since is not None:
        query = query.where(Activity.created_at >= since)
    return list(db.scalars(query.order_by(Activity.id.desc()).limit(limit)))
