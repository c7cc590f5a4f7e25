"""Open-data services: datasets, their metadata, and the public rows they export.

No request globals (STYLE R6): views pass the session, the settings and the
base addresses. Privacy by construction (HOSTILE_INPUTS B8-73, B8-75): only
*published*, live records of live forms are read; only the fields some record
may show to anyone become columns (public ones, and public personal ones
under a consent box, :mod:`wiki.records.disclosure`), and each row carries
only the values its record shows to anyone, so a personal value whose box is
unticked is an empty cell. Rows are fetched in keyset-paginated
batches of plain tuples (no ORM identity map), so an export of any size runs
in constant memory.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
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

from wiki.activity.models import Activity
from wiki.auth import permissions
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import ValidationError
from wiki.exports import columns as cols
from wiki.exports.constants import BATCH_SIZE
from wiki.exports.constants import FREQUENCIES
from wiki.exports.constants import LICENSES
from wiki.exports.constants import PAGES_KEY
from wiki.exports.datasets import PAGES_ARCHIVE
from wiki.exports.datasets import Dataset
from wiki.exports.datasets import distributions_for
from wiki.exports.models import DatasetMeta
from wiki.pages.models import Page
from wiki.pages.models import PageRevision
from wiki.records import form_services
from wiki.records import taxonomy
from wiki.records.models import ChoiceList
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import RecordFacet
from wiki.records.schema import FieldDef
from wiki.revisions import Revision

_EMAIL_RE = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+")
_URL_RE = re.compile(r"https?://[^\s<>\"]+")
_MAX_KEYWORDS = 20


@dataclasses.dataclass(frozen=True)
class Settings:
    """Instance-wide defaults of the catalog (from the configuration)."""

    publisher_name: str
    publisher_url: str = ""
    contact_email: str = ""
    license: str = "etalab-2.0"


@dataclasses.dataclass(frozen=True)
class ExportState:
    """What an export's bytes depend on: its validator and its date."""

    etag: str
    last_modified: datetime | None


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


def choice_labels(db: Session, form: Form) -> dict[str, dict[str, str]]:
    """Return, per public choice or theme field key, the label of each value (for the data dictionary)."""
    return form_services.value_labels(db, form)


# --- datasets ----------------------------------------------------------------------


def get_form(db: Session, key: str) -> Form:
    """Return the live form published as dataset ``key``.

    :raises NotFound: no such form.
    """
    return form_services.get_form(db, key)


def _meta(db: Session, key: str) -> DatasetMeta | None:
    return db.scalar(select(DatasetMeta).where(DatasetMeta.key == key))


def _facet_values(db: Session, form: Form, field_ids: list[str]) -> list[str]:
    if not field_ids:
        return []
    query = (
        select(RecordFacet.value).distinct().join(Record, Record.id == RecordFacet.record_id)
        .where(Record.form_id == form.id, Record.status == "published", Record.deleted_at.is_(None), RecordFacet.field_id.in_(field_ids))
        .order_by(RecordFacet.value).limit(500)
    )  # fmt: skip
    return list(db.scalars(query))


def _stats(db: Session) -> dict[int, tuple[int, datetime | None]]:
    rows = db.execute(
        select(Record.form_id, func.count(), func.max(Record.updated_at))
        .where(Record.status == "published", Record.deleted_at.is_(None)).group_by(Record.form_id)
    )  # fmt: skip
    return {form_id: (count, _aware(latest)) for form_id, count, latest in rows}


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # aggregates skip the column type on SQLite
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _common(meta: DatasetMeta | None, settings: Settings) -> dict[str, Any]:
    license_key = (
        meta.license
        if meta and meta.license in LICENSES
        else settings.license
        if settings.license in LICENSES
        else "etalab-2.0"
    )
    return {
        "license": LICENSES[license_key],
        "frequency": meta.frequency if meta and meta.frequency in FREQUENCIES else "irregular",
        "publisher_name": settings.publisher_name,
        "publisher_url": settings.publisher_url,
        "contact_name": (meta.contact_name if meta else "") or settings.publisher_name,
        "contact_email": (meta.contact_email if meta else "") or settings.contact_email,
        "contact_url": (meta.contact_url if meta else "") or settings.publisher_url,
        "keywords": list(meta.keywords) if meta else [],
        "meta_revision": meta.revision_number if meta else 0,
        "custom_title": meta.title if meta else "",
        "custom_description": meta.description if meta else "",
    }


def _form_dataset(
    db: Session,
    form: Form,
    settings: Settings,
    stats: tuple[int, datetime | None],
    base_url: str,
    site_url: str,
    meta: DatasetMeta | None,
) -> Dataset:
    fields = public_fields(form)
    theme_labels = {t.key: t.label for t in taxonomy.list_themes(db)}
    themes = _facet_values(db, form, [f.id for f in fields if f.type == "theme"])
    spatial = _facet_values(db, form, [f.id for f in fields if f.type == "zone"])
    count, latest = stats
    modified = max(
        d for d in (latest, _aware(form.updated_at), _aware(meta.updated_at) if meta else None) if d is not None
    )
    return Dataset(
        key=form.key,
        title=(meta.title if meta and meta.title else form.title),
        description=(meta.description if meta and meta.description else form.description),
        themes=[(key, theme_labels.get(key, key)) for key in themes],
        spatial=spatial,
        record_count=count,
        issued=_aware(form.created_at),
        modified=modified,
        columns=dataset_columns(db, form),
        distributions=distributions_for(fields),
        base_url=base_url,
        site_url=site_url,
        **_common(meta, settings),
    )


def _pages_dataset(db: Session, settings: Settings, base_url: str, site_url: str, meta: DatasetMeta | None) -> Dataset:
    count, latest, first = db.execute(
        select(func.count(), func.max(Page.updated_at), func.min(Page.created_at)).where(Page.deleted_at.is_(None))
    ).one()
    modified = max(
        (d for d in (_aware(latest), _aware(meta.updated_at) if meta else None) if d is not None), default=None
    )
    return Dataset(
        key=PAGES_KEY,
        title=(meta.title if meta and meta.title else str(_l("Pages du wiki"))),
        description=(
            meta.description
            if meta and meta.description
            else str(
                _l(
                    "Le texte de toutes les pages du wiki, en Markdown, avec leur titre, leur adresse et leur date de modification."
                )
            )
        ),
        themes=[],
        spatial=[],
        record_count=count,
        issued=_aware(first),
        modified=modified,
        columns=[],
        distributions=[PAGES_ARCHIVE],
        base_url=base_url,
        site_url=site_url,
        is_pages=True,
        **_common(meta, settings),
    )


def list_datasets(db: Session, settings: Settings, *, base_url: str, site_url: str) -> list[Dataset]:
    """Return every dataset: one per live form (by title), then the pages."""
    stats = _stats(db)
    metas = {meta.key: meta for meta in db.scalars(select(DatasetMeta))}
    found = [
        _form_dataset(db, form, settings, stats.get(form.id, (0, None)), base_url, site_url, metas.get(form.key))
        for form in form_services.list_forms(db)
    ]
    found.append(_pages_dataset(db, settings, base_url, site_url, metas.get(PAGES_KEY)))
    return found


def get_dataset(db: Session, key: str, settings: Settings, *, base_url: str, site_url: str) -> Dataset:
    """Return one dataset by key (a form key, or ``pages``).

    :raises NotFound: no such dataset.
    """
    meta = _meta(db, key)
    if key == PAGES_KEY:
        return _pages_dataset(db, settings, base_url, site_url, meta)
    form = get_form(db, key)
    stats = _stats(db).get(form.id, (0, None))
    return _form_dataset(db, form, settings, stats, base_url, site_url, meta)


def save_dataset_meta(db: Session, key: str, values: dict[str, Any], *, actor: Any) -> DatasetMeta:
    """Store the catalog metadata of a dataset (moderators).

    :param values: ``title``, ``description``, ``license``, ``frequency``,
        ``contact_name``, ``contact_email``, ``contact_url``, ``keywords`` (text, comma-separated).
    :raises Forbidden: the actor is not a moderator.
    :raises NotFound: no such dataset.
    :raises ValidationError: ``errors`` maps each refused field to a French message.
    """
    if not permissions.has_role(actor, "moderator"):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent modifier la fiche d’un jeu de données.")))
    if key != PAGES_KEY:
        get_form(db, key)
    clean, errors = _clean_meta(values)
    if errors:
        raise ValidationError(
            str(_l("Les métadonnées n’ont pas été enregistrées : corrigez les champs signalés.")), errors
        )
    meta = _meta(db, key)
    if meta is None:
        meta = DatasetMeta(key=key, created_at=utcnow(), revision_number=0, **clean)
        db.add(meta)
    elif all(getattr(meta, name) == value for name, value in clean.items()):
        return meta
    else:
        for name, value in clean.items():
            setattr(meta, name, value)
    meta.revision_number = (meta.revision_number or 0) + 1
    meta.updated_at = utcnow()
    db.flush()
    return meta


def _clean_meta(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Check submitted metadata; return the clean values and the errors."""

    def _text(name: str, limit: int) -> str:
        return (
            " ".join(str(values.get(name) or "").split())[:limit]
            if name != "description"
            else str(values.get(name) or "").strip()
        )

    errors: dict[str, str] = {}
    clean = {
        "title": _text("title", 200),
        "description": _text("description", 5000),
        "contact_name": _text("contact_name", 200),
        "contact_email": _text("contact_email", 254),
        "contact_url": _text("contact_url", 500),
        "license": str(values.get("license") or ""),
        "frequency": str(values.get("frequency") or ""),
    }
    if len(clean["description"]) > 5000:
        errors["description"] = str(_l("Description trop longue : 5 000 caractères au plus."))
    if clean["license"] not in LICENSES:
        errors["license"] = str(_l("Choisissez une licence dans la liste."))
    if clean["frequency"] not in FREQUENCIES:
        errors["frequency"] = str(_l("Choisissez une fréquence dans la liste."))
    if clean["contact_email"] and not _EMAIL_RE.fullmatch(clean["contact_email"]):
        errors["contact_email"] = str(_l("Adresse de courriel invalide (ex. contact@exemple.fr)."))
    if clean["contact_url"] and not _URL_RE.fullmatch(clean["contact_url"]):
        errors["contact_url"] = str(_l("Adresse web invalide : elle commence par http:// ou https://."))
    keywords = [" ".join(word.split())[:60] for word in str(values.get("keywords") or "").split(",") if word.strip()]
    if len(keywords) > _MAX_KEYWORDS:
        errors["keywords"] = str(_l("20 mots-clés au plus."))
    clean["keywords"] = list(dict.fromkeys(keywords))
    return clean, errors


# --- export rows -------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return _aware(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[union-attr]
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
            }
        if len(rows) < batch:
            return
        last = rows[-1].id


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
    out = []
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
    moment = _aware(value)
    return moment.isoformat() if moment else None


def export_state(db: Session, form: Form | None, *, variant: str) -> ExportState:
    """Return the validator of an export: it changes whenever its bytes may change.

    :param variant: what else the bytes depend on (format, ``since``, base address).
    """
    if form is None:
        latest, count = db.execute(select(func.max(Page.updated_at), func.count()).select_from(Page)).one()
        parts: list[Any] = ["pages", _exact(latest), count]
        modified = _aware(latest)
        meta = _meta(db, PAGES_KEY)
    else:
        latest, count = db.execute(
            select(func.max(Record.updated_at), func.count()).where(Record.form_id == form.id)
        ).one()
        lists = db.scalar(select(func.max(ChoiceList.updated_at)))
        parts = [form.id, form.revision_number, _exact(form.updated_at), _exact(latest), count, _exact(lists)]
        modified = max((d for d in (_aware(latest), _aware(form.updated_at)) if d is not None), default=None)
        meta = _meta(db, form.key)
    if meta is not None:
        parts.append(meta.revision_number)
        modified = max((d for d in (modified, _aware(meta.updated_at)) if d is not None), default=None)
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


def dataset_changes(db: Session, key: str, *, limit: int = 50) -> list[Activity]:
    """Return the latest public changes of a dataset's records (or of the pages), newest first.

    Only changes of records that are published now are listed, and deletions
    of records that were published: an unpublished record drops out.
    """
    if key == PAGES_KEY:
        query = select(Activity).where(Activity.public.is_(True), Activity.kind == "page")
    else:
        form = get_form(db, key)
        visible = or_((Record.status == "published") & Record.deleted_at.is_(None), Activity.action == "delete")
        query = (
            select(Activity).join(Record, Record.id == Activity.object_id)
            .where(Activity.public.is_(True), Activity.kind == "record", Record.form_id == form.id, visible)
        )  # fmt: skip
    return list(db.scalars(query.order_by(Activity.id.desc()).limit(limit)))
