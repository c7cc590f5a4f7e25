"""Open-data services: the catalog of datasets (every live form, and the pages) and their metadata.

A service (STYLE R6): no request globals; views pass the session, the
settings and the base addresses. What a dataset shows is the public
projection (HOSTILE_INPUTS B8-73, B8-75): only the fields some record may
show to anyone become columns (public ones, and public personal ones under a
consent box, :mod:`wiki.records.disclosure`); statistics count *published*,
live records of live forms. Moderators edit the catalog metadata
(``DatasetMeta``). The rows themselves are read by :mod:`wiki.exports.rows`.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.levels import zone_key
from wiki.agenda import feeds
from wiki.auth import permissions
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import ValidationError
from wiki.exports import calendar
from wiki.exports.constants import FREQUENCIES
from wiki.exports.constants import LICENSES
from wiki.exports.constants import PAGES_KEY
from wiki.exports.datasets import Dataset
from wiki.exports.formats import PAGES_ARCHIVE
from wiki.exports.formats import distributions_for
from wiki.exports.models import DatasetMeta
from wiki.exports.rows import aware as _aware
from wiki.exports.rows import dataset_columns
from wiki.exports.rows import public_fields
from wiki.pages.models import Page
from wiki.records import fields as record_fields
from wiki.records import form_services
from wiki.records import taxonomy
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import RecordFacet

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
    #: The site's name (the calendar's name) and the time zone of the events' dates.
    site_name: str = ""
    timezone: str = "Europe/Paris"


# --- fields and columns ------------------------------------------------------------


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


def _zone_keys(db: Session, form: Form, zone_fields: list[Any]) -> list[str]:
    """The zones the records name, as zone keys: a commune's bare INSEE code, ``level:code`` for other levels."""
    keys = {
        zone_key(level, code)
        for field in zone_fields
        for code in _facet_values(db, form, [field.id])
        if (level := record_fields.zone_level(field, code)) is not None
    }
    return sorted(keys)[:500]


def _stats(db: Session) -> dict[int, tuple[int, datetime | None]]:
    rows = db.execute(
        select(Record.form_id, func.count(), func.max(Record.updated_at))
        .where(Record.status == "published", Record.deleted_at.is_(None)).group_by(Record.form_id)
    )  # fmt: skip
    return {form_id: (count, _aware(latest)) for form_id, count, latest in rows}


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
    spatial = _zone_keys(db, form, [f for f in fields if f.type == "zone"])
    count, latest = stats
    modified = max(
        d for d in (latest, _aware(form.updated_at), _aware(meta.updated_at) if meta else None) if d is not None
    )
    dataset = Dataset(
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
    if any(dist.name == "ics" for dist in dataset.distributions):
        _add_events(db, form, dataset, settings)
    return dataset


def _add_events(db: Session, form: Form, dataset: Dataset, settings: Settings) -> None:
    """The period the events cover, and the calendar's size when its stored events give it."""
    zone = ZoneInfo(settings.timezone)
    span = feeds.occurrence_span(db, form.id)
    if span:
        first, last = span
        # An end at midnight (all-day events, or timed ones) belongs to the day before.
        start = first.astimezone(zone).date()
        dataset.temporal = (start, max(start, (last - timedelta(microseconds=1)).astimezone(zone).date()))
    size = calendar.dataset_feed_size(db, form.key, name=f"{settings.site_name} — {form.title}")
    if size is not None:
        dataset.byte_sizes["ics"] = size


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
    clean: dict[str, Any] = {
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
