"""The idempotency links of the importers: what each remote id became at the last import, kept by key.

:class:`importers.base.Importer` reads them before writing a source's items
and keeps them as it writes, in :class:`importers.models.ImportItem`, keyed
by (importer, source, remote id): re-importing updates instead of
duplicating. Rows are written by key, with plain statements (no ORM object
per item stays in memory), one statement for a batch of new links.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple
from typing import cast

from sqlalchemy import Table
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from importers.models import ImportItem
from wiki.db import utcnow


class Link(NamedTuple):
    """What a remote id became at the last import: a record or a page (see the module docstring)."""

    record_id: int | None
    page_id: int | None


def read_links(db: Session, importer: str, source: str) -> dict[str, Link]:
    """Every link kept for ``importer`` under ``source``, by remote id."""
    query = select(ImportItem.remote_id, ImportItem.record_id, ImportItem.page_id).where(
        ImportItem.importer == importer, ImportItem.source == source
    )
    return {remote_id: Link(record_id, page_id) for remote_id, record_id, page_id in db.execute(query)}


def links_of(db: Session, importer: str, source: str, remote_ids: Iterable[str]) -> dict[str, Link]:
    """The links kept for ``importer`` under ``source`` of these remote ids only (one query), by remote id."""
    wanted = {remote_id[:200]: remote_id for remote_id in remote_ids}
    if not wanted:
        return {}
    query = select(ImportItem.remote_id, ImportItem.record_id, ImportItem.page_id).where(
        ImportItem.importer == importer, ImportItem.source == source, ImportItem.remote_id.in_(list(wanted))
    )
    return {wanted[remote_id]: Link(record_id, page_id) for remote_id, record_id, page_id in db.execute(query)}


def remember(db: Session, importer: str, source: str, remote_id: str, link: Link | None, now: Link) -> Link:
    """Keep that ``remote_id`` became ``now`` (``link``: what it was, None when new); return ``now``."""
    if link == now:
        return link
    key = {"importer": importer, "source": source, "remote_id": remote_id[:200]}
    values = {"record_id": now.record_id, "page_id": now.page_id, "imported_at": utcnow()}
    table = cast(Table, ImportItem.__table__)
    if link is None:
        db.execute(insert(table), [key | values])
    else:
        condition = [table.c[name] == value for name, value in key.items()]
        db.execute(update(table).where(*condition).values(values))
    return now


def remember_many(
    db: Session, importer: str, source: str, changes: Iterable[tuple[str, Link | None, Link]], links: dict[str, Link]
) -> None:
    """:func:`remember` each ``(remote id, link, now)`` and note it in ``links``: the new ones in one statement."""
    rows = []
    for remote_id, link, now in changes:
        links[remote_id] = now
        if link is not None:
            remember(db, importer, source, remote_id, link, now)
            continue
        rows.append({"importer": importer, "source": source, "remote_id": remote_id[:200],
                     "record_id": now.record_id, "page_id": now.page_id, "imported_at": utcnow()})  # fmt: skip
    if rows:
        db.execute(insert(cast(Table, ImportItem.__table__)), rows)
