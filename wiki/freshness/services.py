"""Freshness campaigns: records not verified for months, and signed links that confirm or correct them.

A record is stale when it was last verified (``Record.verified_at``), or
created if never verified, more than N months ago. Moderators list stale
records (per form, commune, theme), export them as CSV, and send a campaign:
each record whose contact address is public (visibility public, and consent
ticked for a personal field: :mod:`wiki.records.disclosure`) receives a
signed, expiring link (itsdangerous), at most once per link lifetime
(:class:`~wiki.freshness.models.FreshnessRequest`). Its holder, without an account, confirms
the record (« toujours exact ») or corrects its public fields; a correction
goes through :func:`wiki.records.services.update_record` as an anonymous
contribution under pre-moderation at least, so it waits in the moderators'
queue unless the form is open. No request globals here (STYLE R6).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature
from itsdangerous import SignatureExpired
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import and_
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.levels import parse_zone_key
from geodata.models import RecordZone
from wiki import signals
from wiki.db import utcnow
from wiki.errors import NotFound
from wiki.freshness.models import FreshnessRequest
from wiki.mail import services as mail
from wiki.records import services as records
from wiki.records.disclosure import Disclosure
from wiki.records.disclosure import shows_always
from wiki.records.form_services import form_fields
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import RecordFacet
from wiki.revisions import save_revision

SORTS = ("verified", "title", "form")
MAX_ROWS = 10_000
#: Field types a correction form offers (one text box each); the others are shown, not edited there.
CORRECTABLE = ("text", "longtext", "url", "email", "phone", "number")
_SALT = "lieudit.freshness"


@dataclass(frozen=True)
class Stale:
    """One stale record as listed: when it was last checked, and whether a campaign can reach it."""

    record: Record
    checked: date
    contact: str | None


def months_ago(today: date, months: int) -> date:
    """The same day ``months`` months before ``today`` (the month's last day when shorter)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, 28)


def is_stale(record: Record, months: int, today: date | None = None) -> bool:
    """Tell whether ``record`` waits for a check (« à vérifier »)."""
    checked = record.verified_at or record.created_at.date()
    return checked < months_ago(today or utcnow().date(), months)


def contact_of(record: Record) -> str | None:
    """The record's public e-mail address (consent counted), or None: a campaign writes only there."""
    defs = form_fields(record.form)
    rule = Disclosure(defs)
    for field in defs:
        value = record.data.get(field.id)
        if field.type == "email" and isinstance(value, str) and value and rule.shows(field, record.data):
            try:
                return mail.clean_address(value)
            except ValueError:
                continue
    return None


def stale_records(
    db: Session,
    *,
    months: int,
    form_key: str = "",
    zone: str = "",
    theme: str = "",
    sort: str = "verified",
    today: date | None = None,
    limit: int = MAX_ROWS,
) -> list[Stale]:
    """Published records not verified for ``months`` months, filtered and sorted (oldest check first)."""
    cutoff = months_ago(today or utcnow().date(), months)
    since = datetime.combine(cutoff, time(), tzinfo=UTC)
    query = select(Record).where(
        Record.status == "published",
        Record.deleted_at.is_(None),
        or_(
            and_(Record.verified_at.is_not(None), Record.verified_at < cutoff),
            and_(Record.verified_at.is_(None), Record.created_at < since),
        ),
    )
    if form_key:
        query = query.join(Form, Form.id == Record.form_id).where(Form.key == form_key)
    parsed = parse_zone_key(zone[:40]) if zone else None
    if zone:
        level, code = parsed or ("", "")
        query = query.where(
            Record.id.in_(
                select(RecordZone.record_id).where(RecordZone.zone_level == level, RecordZone.zone_code == code)
            )
        )
    if theme:
        forms = db.scalars(select(Form).where(Form.deleted_at.is_(None)))
        ids = [d.id for f in forms for d in form_fields(f) if d.type == "theme" and shows_always(d)]
        query = query.where(
            Record.id.in_(
                select(RecordFacet.record_id).where(RecordFacet.field_id.in_(ids), RecordFacet.value == theme)
            )
        )
    rows = [
        Stale(record, record.verified_at or record.created_at.date(), contact_of(record))
        for record in db.scalars(query.limit(max(1, min(limit, MAX_ROWS))))
    ]
    if sort == "title":
        rows.sort(key=lambda row: row.record.title.casefold())
    elif sort == "form":
        rows.sort(key=lambda row: (row.record.form.title.casefold(), row.checked))
    else:
        rows.sort(key=lambda row: (row.checked, row.record.id))
    return rows


def to_csv(rows: list[Stale], *, link: Callable[[Record], str]) -> str:
    """The list as CSV (UTF-8, comma): id, title, form, last check, whether a campaign reaches it, URL."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "titre", "formulaire", "verifiee_le", "contact_public", "adresse"])
    for row in rows:
        title = row.record.title
        if title[:1] in ("=", "+", "-", "@"):  # no formula in a spreadsheet (CSV injection)
            title = "'" + title
        contact = "oui" if row.contact else "non"
        writer.writerow(
            [row.record.id, title, row.record.form.title, row.checked.isoformat(), contact, link(row.record)]
        )
    return out.getvalue()


def make_token(secret: Any, record_id: int) -> str:
    """A signed link token for one record (expiry checked when read)."""
    return str(URLSafeTimedSerializer(secret, salt=_SALT).dumps(record_id))


def read_token(db: Session, secret: Any, token: str, *, max_days: int) -> Record:
    """The live, published record a token names.

    :raises NotFound: forged, damaged or expired token, or a record gone or unpublished since.
    """
    try:
        record_id = URLSafeTimedSerializer(secret, salt=_SALT).loads(token[:300], max_age=max_days * 86400)
    except SignatureExpired as err:
        raise NotFound(str(_l("Ce lien a expiré : demandez-en un nouveau aux modérateurs du wiki."))) from err
    except BadSignature as err:
        raise NotFound(str(_l("Ce lien n’est pas valide."))) from err
    record = db.get(Record, record_id) if isinstance(record_id, int) else None
    if record is None or record.deleted_at is not None or record.status != "published":
        raise NotFound(str(_l("Cette fiche n’est plus publiée.")))
    return record


@dataclass
class CampaignReport:
    """What a campaign did: e-mails queued, records without a public address, records asked recently."""

    sent: int = 0
    unreachable: int = 0
    recent: int = 0


def send_campaign(
    db: Session, rows: list[Stale], *, link: Callable[[Record], str], quiet_days: int, now: datetime | None = None
) -> CampaignReport:
    """Queue one e-mail per stale record with a public contact, none asked less than ``quiet_days`` ago.

    The caller commits.
    """
    now = now or utcnow()
    report = CampaignReport()
    ids = [row.record.id for row in rows]
    asked = {r.record_id: r for r in db.scalars(select(FreshnessRequest).where(FreshnessRequest.record_id.in_(ids)))}
    for row in rows:
        if not row.contact:
            report.unreachable += 1
            continue
        previous = asked.get(row.record.id)
        if previous is not None and previous.sent_at > now - timedelta(days=quiet_days):
            report.recent += 1
            continue
        body = (
            "Bonjour,\n\n"
            f"La fiche « {row.record.title} » du wiki ({row.record.form.title}) vous nomme comme contact. "
            f"Elle n’a pas été vérifiée depuis le {row.checked.strftime('%d/%m/%Y')}.\n\n"
            "Est-elle toujours exacte ? Confirmez-le ou corrigez-la en un clic, sans créer de compte :\n"
            f"{link(row.record)}\n\n"
            "Ce lien est personnel et expire dans quelques semaines. Sans réponse, la fiche reste telle quelle."
        )
        if mail.enqueue(db, to=row.contact, subject="Votre fiche est-elle toujours exacte ?", body=body):
            report.sent += 1
            if previous is None:
                db.add(FreshnessRequest(record_id=row.record.id, sent_at=now))
            else:
                previous.sent_at = now
    return report


def public_fields(record: Record) -> list[tuple[Any, Any]]:
    """(field, value) of the record's public values, in form order: what the link's holder sees."""
    defs = form_fields(record.form)
    shown = Disclosure(defs).values(record.data)
    return [(field, shown.get(field.id)) for field in defs if field.id in shown or shows_always(field)]


def confirm(db: Session, record: Record, *, today: date | None = None) -> None:
    """« Toujours exact »: the record is verified today, as a new revision by nobody; the caller commits."""
    record.verified_at = today or utcnow().date()
    record.revision_number += 1
    record.updated_at = utcnow()
    snapshot = {  # the shape of wiki.records.services' snapshots
        "title": record.title,
        "data": record.data,
        "status": record.status,
        "form_revision": record.form_revision,
        "verified_at": record.verified_at.isoformat(),
        **({"extra": record.extra} if record.extra else {}),
    }
    revision = save_revision(
        db, "record", record.id, snapshot, actor=None, comment=str(_l("Confirmée par son contact")), action="verify"
    )
    signals.record_saved.send(record, session=db, record=record, revision=revision, action="verify", actor=None)


def correct(db: Session, record: Record, changes: dict[str, str], *, actor: Any, policy: str) -> records.RecordResult:
    """Correct a record's public simple fields through the record services (pre-moderation at least).

    :raises Forbidden, ValidationError, EditConflict: as :func:`wiki.records.services.update_record`.
    """
    defs = form_fields(record.form)
    submitted: dict[str, Any] = {d.key: record.data.get(d.id) for d in defs}
    editable = {field.key for field, _ in public_fields(record) if field.type in CORRECTABLE}
    submitted.update({key: value for key, value in changes.items() if key in editable})
    strict = "premoderated" if policy in ("open", "account", "premoderated") else policy
    return records.update_record(
        db,
        record,
        submitted,
        actor=actor,
        policy=strict,
        base_revision=record.revision_number,
        comment=str(_l("Corrigée par son contact")),
    )


def form_choices(db: Session) -> list[tuple[str, str]]:
    """(key, title) of the live forms, for the list's filter."""
    rows = db.execute(select(Form.key, Form.title).where(Form.deleted_at.is_(None)).order_by(Form.title))
    return [(key, title) for key, title in rows]
