"""Everything Lieudit stores about one account, as one JSON document (RGPD right of access and portability).

:func:`write_export` writes the document piece by piece through a ``write``
callable (the view spools it to a temporary file, so memory stays bounded
and no transaction stays open while the client downloads): the account, its
API tokens (names and dates, never a hash), the page revisions it wrote (with
their text), the records it created with every value (private and personal
ones included: they are the person's own), the revisions it made of other
records (only the values a logged-in member reads there), the files it
uploaded, the mail waiting for or sent to its address, and every row of any
other table that points to the account (the activity log, the moderation
log and queue, and whatever a later package adds), secrets left out.
Service layer: reads only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Iterator
from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import Table
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.auth.models import ApiToken
from wiki.auth.models import User
from wiki.db import Base
from wiki.db import utcnow
from wiki.mail.models import OutgoingMail
from wiki.pages.models import Attachment
from wiki.pages.models import Page
from wiki.pages.models import PageRevision
from wiki.records import form_services
from wiki.records.disclosure import Disclosure
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.revisions import Revision

FORMAT = "lieudit-donnees-personnelles"
VERSION = 1
#: Rows read per query.
BATCH = 500
#: Tables written in their own section (or never: the derived search and agenda projections hold no author).
OWN_SECTIONS = frozenset({"users", "api_tokens", "page_revisions", "records", "record_revisions", "attachments"})
#: Column names that hold secrets, never exported (hashes, tokens, anonymous session keys).
SECRET_PARTS = ("hash", "secret", "token", "password", "session")
#: Account columns never exported.
ACCOUNT_LEFT_OUT = frozenset({"password_hash", "session_version", "name_key"})

Write = Callable[[str], Any]


def get_account(db: Session, user_id: int) -> User | None:
    """Return the account whose data is asked for, or None."""
    return db.get(User, user_id)


def _plain(value: Any) -> Any:
    """A JSON value for a column value (dates as ISO 8601, bytes left out)."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return None
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _keyset(db: Session, query: Any, column: Any) -> Iterator[Any]:
    """Rows of ``query`` in batches ordered by ``column`` (an id), never all in memory."""
    last = 0
    while True:
        rows = db.execute(query.where(column > last).order_by(column).limit(BATCH)).all()
        if not rows:
            return
        yield from rows
        last = getattr(rows[-1], column.key)


def _section(write: Write, key: str, items: Iterator[Any], *, first: bool = False) -> None:
    write(("" if first else ",\n") + f"{_dumps(key)}: [")
    for index, item in enumerate(items):
        write(("\n  " if index == 0 else ",\n  ") + _dumps(item))
    write("]")


def write_export(db: Session, user: User, write: Write) -> None:
    """Write everything stored about ``user`` as one JSON object through ``write``."""
    write("{" + f'"format": {_dumps(FORMAT)}, "version": {VERSION}, "generated_at": {_dumps(utcnow().isoformat())},\n')
    write(f'"account": {_dumps(_account(user))}')
    forms = {form.id: form for form in db.scalars(select(Form))}
    _section(write, "api_tokens", _tokens(db, user))
    _section(write, "page_revisions", _page_revisions(db, user))
    _section(write, "records", _records(db, user, forms))
    _section(write, "record_revisions", _record_revisions(db, user, forms))
    _section(write, "files", _files(db, user))
    _section(write, "mail", _mail(db, user))
    write(',\n"other": {')
    for index, (table, column) in enumerate(_other_tables()):
        _section(write, table.name, _other_rows(db, table, column, user.id), first=index == 0)
    write("}}\n")


def _account(user: User) -> dict[str, Any]:
    return {
        column.key: _plain(getattr(user, column.key))
        for column in User.__table__.columns
        if column.key not in ACCOUNT_LEFT_OUT
    }


def _tokens(db: Session, user: User) -> Iterator[dict[str, Any]]:
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
    for token in db.scalars(query):
        yield {
            "name": token.name,
            "can_write": token.can_write,
            **{k: _plain(getattr(token, k)) for k in ("created_at", "last_used_at", "expires_at", "revoked_at")},
        }


def _page_revisions(db: Session, user: User) -> Iterator[dict[str, Any]]:
    query = (
        select(PageRevision.id, Page.slug, PageRevision.number, PageRevision.title, PageRevision.created_at,
               PageRevision.action, PageRevision.comment, PageRevision.body)
        .join(Page, Page.id == PageRevision.page_id)
        .where(PageRevision.author_id == user.id)
    )  # fmt: skip
    for row in _keyset(db, query, PageRevision.id):
        yield {"page": row.slug, "number": row.number, "title": row.title, "created_at": _plain(row.created_at),
               "action": row.action, "comment": row.comment, "text": row.body}  # fmt: skip


def _by_key(form: Form | None, data: Any, reader: str | None = None) -> dict[str, Any]:
    """Values keyed by field key (by id for a field no longer in the form); ``reader``: only what that level reads."""
    if not isinstance(data, dict):
        return {}
    defs = form_services.form_fields(form) if form is not None else []
    if reader is not None:
        data = Disclosure(defs).values(data, reader)
    keys = {d.id: d.key for d in defs}
    return {keys.get(ident, ident): value for ident, value in data.items()}


def _records(db: Session, user: User, forms: dict[int, Form]) -> Iterator[dict[str, Any]]:
    query = select(Record.id, Record.form_id, Record.title, Record.status, Record.data, Record.created_at,
                   Record.updated_at, Record.deleted_at).where(Record.author_id == user.id)  # fmt: skip
    for row in _keyset(db, query, Record.id):
        form = forms.get(row.form_id)
        yield {"id": row.id, "form": form.key if form else None, "title": row.title, "status": row.status,
               "created_at": _plain(row.created_at), "updated_at": _plain(row.updated_at),
               "deleted_at": _plain(row.deleted_at), "values": _by_key(form, row.data)}  # fmt: skip


def _record_revisions(db: Session, user: User, forms: dict[int, Form]) -> Iterator[dict[str, Any]]:
    own = select(Record.id).where(Record.author_id == user.id)
    touched = select(Revision.object_id).where(Revision.author_id == user.id, Revision.kind == "record")
    record_forms: dict[int, int] = {
        row.id: row.form_id for row in db.execute(select(Record.id, Record.form_id).where(Record.id.in_(touched)))
    }
    mine = set(db.scalars(own))
    query = select(Revision.id, Revision.kind, Revision.object_id, Revision.number, Revision.created_at,
                   Revision.action, Revision.comment, Revision.snapshot).where(Revision.author_id == user.id)  # fmt: skip
    for row in _keyset(db, query, Revision.id):
        item = {"kind": row.kind, "object_id": row.object_id, "number": row.number,
                "created_at": _plain(row.created_at), "action": row.action, "comment": row.comment}  # fmt: skip
        snapshot = row.snapshot if isinstance(row.snapshot, dict) else {}
        if row.kind == "record":
            reader = None if row.object_id in mine else "members"
            item["values"] = _by_key(forms.get(record_forms.get(row.object_id, 0)), snapshot.get("data"), reader)
        else:
            item["snapshot"] = snapshot
        yield item


def _files(db: Session, user: User) -> Iterator[dict[str, Any]]:
    query = select(Attachment.id, Attachment.filename, Attachment.content_type, Attachment.size, Attachment.page_id,
                   Attachment.record_id, Attachment.created_at, Attachment.deleted_at).where(Attachment.uploader_id == user.id)  # fmt: skip
    for row in _keyset(db, query, Attachment.id):
        yield {key: _plain(value) for key, value in row._mapping.items() if key != "id"}


def _mail(db: Session, user: User) -> Iterator[dict[str, Any]]:
    """Messages to the account's addresses: subject and dates (bodies may hold single-use links)."""
    addresses = [v for c in User.__table__.columns if "email" in c.name and (v := getattr(user, c.key, None))]
    if not addresses:
        return
    query = select(OutgoingMail.id, OutgoingMail.recipient, OutgoingMail.subject, OutgoingMail.created_at,
                   OutgoingMail.sent_at).where(OutgoingMail.recipient.in_(addresses))  # fmt: skip
    for row in _keyset(db, query, OutgoingMail.id):
        yield {key: _plain(value) for key, value in row._mapping.items() if key != "id"}


def _other_tables() -> list[tuple[Table, list[Any]]]:
    """Every other table with a column pointing to an account, and those columns."""
    found = []
    for table in Base.metadata.sorted_tables:
        if table.name in OWN_SECTIONS:
            continue
        columns = [c for c in table.columns if any(fk.column.table.name == "users" for fk in c.foreign_keys)]
        if columns:
            found.append((table, columns))
    return found


def _other_rows(db: Session, table: Table, columns: list[Any], user_id: int) -> Iterator[dict[str, Any]]:
    shown = [c for c in table.columns if not any(part in c.name for part in SECRET_PARTS)]
    query = select(*shown).where(or_(*(column == user_id for column in columns)))
    primary = list(table.primary_key.columns)
    if len(primary) == 1 and primary[0] in shown:
        rows: Iterator[Any] = _keyset(db, query, primary[0])
    else:
        rows = iter(db.execute(query.execution_options(yield_per=BATCH)))
    for row in rows:
        yield {key: _plain(value) for key, value in row._mapping.items()}
