"""RGPD erasure of an account: pseudonymise it everywhere, take its personal values out of records and history.

What :func:`erase` does, all or nothing:

- the account becomes « Contributeur effacé n°<id> »: every page and record
  revision, every change of the activity log, every file it uploaded and the
  moderation log name it through the account, so they all show the pseudonym;
  its e-mail addresses are removed, its password made unusable, its API
  tokens deleted, its sessions ended and the account disabled; mail waiting
  for it in the outbox is dropped;
- imported revisions signed with the same name (a wiki imported before the
  person had an account here) take the pseudonym too;
- in the records the person wrote (created, or imported under their name),
  the values of personal fields are taken out of the current values and of
  every revision (:mod:`wiki.privacy.redaction`), then the record's derived
  rows (facets, search index, agenda) are rebuilt through
  ``signals.record_redacted``; values waiting for review in the moderation
  queue are redacted the same way;
- one entry in the public moderation log, naming the pseudonym only.

The history is read first, in a read transaction (no write lock on SQLite);
then one short write transaction re-checks what changed meanwhile and writes
in batches, then commits. A second erasure finds nothing left to change and
logs nothing. Unlike other services this one owns its unit of work: call it
with a session holding no pending changes; it commits. Then clear the
caches (:func:`forget_cached`): in-memory caches of this process die at
once, HTTP validators change because the touched pages and records are
dated now.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from wiki import caching
from wiki import signals
from wiki.auth import services as accounts
from wiki.auth.models import ApiToken
from wiki.auth.models import User
from wiki.db import BY_KEY
from wiki.db import read_only_intent
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.mail.models import OutgoingMail
from wiki.moderation import journal
from wiki.moderation.models import WaitingItem
from wiki.pages.models import Page
from wiki.pages.models import PageRevision
from wiki.privacy.redaction import PersonalFields
from wiki.privacy.redaction import personal_fields
from wiki.privacy.redaction import redact_data
from wiki.privacy.redaction import redact_snapshot
from wiki.records import facets
from wiki.records.form_services import form_fields
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.revisions import Revision

#: The name an erased account shows, numbered by its id (never a name anyone can register: « ° »).
PSEUDONYM = "Contributeur effacé n°{number}"
#: Rows written per statement, and records loaded at a time.
BATCH = 500


@dataclass
class Erasure:
    """What an erasure changed (counts only: it says nothing about the person)."""

    user_id: int
    pseudonym: str
    revisions: int = 0
    records: int = 0
    imported: int = 0
    tokens: int = 0
    waiting: int = 0
    #: True when the account was already erased and nothing was left to change.
    already: bool = False

    def summary(self) -> str:
        """A short public sentence for the moderation log."""
        return (
            f"{self.revisions} version(s) et {self.records} fiche(s) expurgées, "
            f"{self.imported} signature(s) importée(s) remplacée(s)"
        )


@dataclass
class _Plan:
    """What the read phase found: rewritten snapshots of record revisions, up to a high-water mark."""

    fields: PersonalFields
    names: set[str]
    records: dict[int, int]
    snapshots: dict[int, dict[str, Any]] = field(default_factory=dict)
    revision_mark: int = 0
    record_mark: int = 0


def pseudonym_of(user_id: int) -> str:
    """Return the name an erased account shows."""
    return PSEUDONYM.format(number=user_id)


def find_account(db: Session, name: str) -> User | None:
    """Find an account by its name, or an erased one by its pseudonym."""
    return accounts.find_user(db, name)


def check_erasable(db: Session, user: User) -> None:
    """Refuse the wiki's own system account and the last active administrator.

    :raises Forbidden: with a French message.
    """
    if user.name_key == accounts.name_key(accounts.SYSTEM_ACCOUNT):
        raise Forbidden(str(_l("Le compte du wiki lui-même n'est pas une personne : il ne s'efface pas.")))
    if user.role == "admin" and user.is_active and user.erased_at is None:
        others = db.scalar(
            select(func.count())
            .select_from(User)
            .where(
                User.role == "admin",
                User.is_active.is_(True),
                User.id != user.id,
                User.name_key != accounts.name_key(accounts.SYSTEM_ACCOUNT),
            )
        )
        if not others:
            raise Forbidden(str(_l("C'est le dernier compte administrateur : nommez-en un autre avant de l'effacer.")))


def erase(db: Session, user_id: int, *, actor: Any, reason: str = "") -> Erasure:
    """Erase account ``user_id`` (see the module's documentation); commits.

    :raises NotFound: no such account.
    :raises Forbidden: the system account or the last administrator.
    """
    db.rollback()  # the read phase must not hold the write lock a request may have taken
    with read_only_intent():
        user = db.get(User, user_id)
        if user is None:
            raise NotFound(str(_l("Compte introuvable.")))
        check_erasable(db, user)
        plan = _read(db, user)
        db.rollback()
    try:
        result = _write(db, user_id, plan, actor=actor, reason=reason)
        db.commit()
    except BaseException:
        db.rollback()
        raise
    forget_cached(db)
    return result


def forget_cached(holder: Any) -> None:
    """Empty every in-memory cache of the app (renderings, lists, feeds) after an erasure."""
    for store in (caching.stores_of(holder) or {}).values():
        store.clear()


def _imported_names(db: Session, user: User) -> set[str]:
    """The imported author names that are this person's name (same key: case and accents aside)."""
    if user.erased_at is not None:
        return set()
    names: set[str] = set()
    for column in (PageRevision.imported_author, Revision.imported_author):
        for value in db.scalars(select(column).where(column.is_not(None)).distinct()):
            if value and accounts.name_key(value) == user.name_key:
                names.add(value)
    return names


def _authored_records(db: Session, user_id: int, names: set[str], *, above: int = 0) -> dict[int, int]:
    """Record id -> form id of the records the person created (here, or on an imported source under their name)."""
    imported = select(Revision.object_id).where(
        Revision.kind == "record", Revision.action == "create", Revision.imported_author.in_(names)
    )
    query = select(Record.id, Record.form_id).where(
        Record.id > above, or_(Record.author_id == user_id, Record.id.in_(imported))
    )
    return {row.id: row.form_id for row in db.execute(query)}


def _batches(values: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), BATCH):
        yield ordered[start : start + BATCH]


def _redacted_revisions(
    db: Session, records: dict[int, int], fields: PersonalFields, *, above: int = 0
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(revision id, redacted snapshot) of every revision of ``records`` that holds a personal value."""
    for batch in _batches(records):
        query = select(Revision.id, Revision.object_id, Revision.snapshot).where(
            Revision.kind == "record", Revision.object_id.in_(batch), Revision.id > above
        )
        for revision_id, record_id, snapshot in db.execute(query):
            form_id = records[record_id]
            title = fields.placeholder_title(form_id, record_id) if form_id in fields.personal_titles else None
            redacted = redact_snapshot(snapshot, fields.of(form_id), title=title)
            if redacted is not None:
                yield revision_id, redacted


def _read(db: Session, user: User) -> _Plan:
    """The read phase: which records, and the redacted snapshots of their history."""
    revision_mark = db.scalar(select(func.max(Revision.id))) or 0
    record_mark = db.scalar(select(func.max(Record.id))) or 0
    fields = personal_fields(db)
    names = _imported_names(db, user)
    records = _authored_records(db, user.id, names)
    plan = _Plan(fields=fields, names=names, records=records, revision_mark=revision_mark, record_mark=record_mark)
    plan.snapshots = dict(_redacted_revisions(db, records, fields))
    return plan


def _write(db: Session, user_id: int, plan: _Plan, *, actor: Any, reason: str) -> Erasure:
    """The write phase: what changed since the read, then every write, in batches."""
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(str(_l("Compte introuvable.")))
    result = Erasure(user_id=user.id, pseudonym=pseudonym_of(user.id))
    was_erased = user.erased_at is not None
    now = utcnow()
    # Written meanwhile: new records of the person, new revisions of any of their records.
    newer = _authored_records(db, user.id, plan.names, above=plan.record_mark)
    records = plan.records | newer
    snapshots = dict(plan.snapshots)
    snapshots.update(_redacted_revisions(db, newer, plan.fields))
    snapshots.update(_redacted_revisions(db, plan.records, plan.fields, above=plan.revision_mark))
    for batch in _batches(snapshots):
        db.execute(update(Revision), [{"id": ident, "snapshot": snapshots[ident]} for ident in batch])
    result.revisions = len(snapshots)
    result.records = _redact_records(db, records, plan.fields, now)
    result.waiting = _redact_waiting(db, user.id, plan.fields)
    result.imported = _replace_imported(db, plan.names, result.pseudonym)
    if not was_erased or result.imported:
        _touch_pages(db, user.id, result.pseudonym, now)
    result.tokens = _close_account(db, user, result.pseudonym, now)
    result.already = was_erased and not (result.revisions or result.records or result.imported or result.waiting)
    if not result.already:
        signals.account_erased.send(user, session=db, user=user)
        journal.log(db, action="erase", actor=actor, kind="user", object_id=user.id, title=result.pseudonym,
                    key="", reason=reason, details={"summary": result.summary()})  # fmt: skip
    return result


def _redact_records(db: Session, records: dict[int, int], fields: PersonalFields, now: Any) -> int:
    """Take personal values out of the current values of ``records``; rebuild their derived rows."""
    changed = 0
    for batch in _batches(ident for ident, form_id in records.items() if fields.of(form_id)):
        for record in db.scalars(select(Record).where(Record.id.in_(batch))):
            data = redact_data(record.data, fields.of(record.form_id))
            title = None
            if record.form_id in fields.personal_titles:
                title = fields.placeholder_title(record.form_id, record.id)
            if data is None and (title is None or record.title == title):
                continue
            if data is not None:
                record.data = data
            if title is not None:
                record.title = title
            record.updated_at = now  # validators and ``?since=`` see the change
            facets.refresh_record(db, record, form_fields(record.form))
            signals.record_redacted.send(record, session=db, record=record)
            changed += 1
    db.flush()
    return changed


def _redact_waiting(db: Session, user_id: int, fields: PersonalFields) -> int:
    """Take personal values out of the record changes the person left waiting for review."""
    forms = {row.key: row.id for row in db.execute(select(Form.key, Form.id))}
    changed = 0
    query = select(WaitingItem).where(WaitingItem.author_id == user_id, WaitingItem.kind == "record")
    for item in db.scalars(query):
        payload = item.payload if isinstance(item.payload, dict) else {}
        data = redact_data(payload.get("data"), fields.of(forms.get(item.key, 0)))
        if data is not None:
            item.payload = {**payload, "data": data}
            changed += 1
    return changed


def _replace_imported(db: Session, names: set[str], pseudonym: str) -> int:
    """Sign imported revisions of the person's name with the pseudonym."""
    if not names:
        return 0
    count = 0
    for model in (PageRevision, Revision):
        done = db.execute(
            update(model).where(model.imported_author.in_(names)).values(imported_author=pseudonym),
            execution_options=BY_KEY,
        )
        count += int(getattr(done, "rowcount", 0) or 0)
    return count


def _touch_pages(db: Session, user_id: int, pseudonym: str, now: Any) -> None:
    """Date now the pages whose current version the person signed: their HTTP validators change."""
    signed = select(PageRevision.id).where(
        or_(PageRevision.author_id == user_id, PageRevision.imported_author == pseudonym)
    )
    db.execute(
        update(Page).where(Page.current_revision_id.in_(signed)).values(updated_at=now), execution_options=BY_KEY
    )


def _close_account(db: Session, user: User, pseudonym: str, now: Any) -> int:
    """Pseudonymise and disable the account; delete its tokens and the mail waiting for it; return the tokens deleted.

    Writes only what differs: erasing an erased account again writes nothing.
    """
    addresses = [v for c in User.__table__.columns if "email" in c.name and (v := getattr(user, c.key, None))]
    if addresses:
        db.execute(delete(OutgoingMail).where(OutgoingMail.recipient.in_(addresses)), execution_options=BY_KEY)
    tokens = 0
    if db.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id).limit(1)) is not None:
        deleted = db.execute(delete(ApiToken).where(ApiToken.user_id == user.id), execution_options=BY_KEY)
        tokens = int(getattr(deleted, "rowcount", 0) or 0)
    wanted: dict[str, Any] = {column.key: None for column in User.__table__.columns if "email" in column.name}
    wanted |= {"name": pseudonym, "name_key": accounts.name_key(pseudonym), "password_hash": "!", "role": "visitor",
               "is_active": False, "last_login_at": None, "failed_logins": 0, "locked_until": None}  # fmt: skip
    for key, value in wanted.items():
        if getattr(user, key) != value:
            setattr(user, key, value)
    if user.erased_at is None:
        user.erased_at = now
        accounts.end_all_sessions(user)
    accounts.lift_back_off(user)  # its failed logins (keyed hashes of addresses) go too
    db.flush()
    return tokens
