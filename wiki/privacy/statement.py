"""What Lieudit keeps about people, read from this instance's settings and forms (the privacy page).

:func:`read_statement` gathers the facts the page ``/-/confidentialite`` and
the ``{{confidentialite}}`` macro state, so the text can never drift from
what the code does: whether accounts are open to all, whether anonymous
visitors may write, whether e-mail is sent, how long the IP log keeps an
address, which fields of which forms are personal and which box records the
person's consent. Service layer: the caller passes the configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.pages.models import Page
from wiki.records import form_services
from wiki.records.disclosure import Disclosure
from wiki.records.models import Form

#: Days the IP log keeps an address when ``IP_RETENTION_DAYS`` is not set.
DEFAULT_IP_RETENTION_DAYS = 30
#: Edit policies under which anonymous visitors contribute (``wiki.auth.permissions``).
ANONYMOUS_POLICIES = ("open", "premoderated")
#: How long the language cookie lasts (``wiki.i18n``), in days.
LANGUAGE_COOKIE_DAYS = 365


@dataclass(frozen=True)
class PersonalField:
    """A personal field of a form, and the box that records consent to publish it (None: never published)."""

    form: str
    form_key: str
    label: str
    consent: str | None


@dataclass(frozen=True)
class Statement:
    """The facts the privacy page states."""

    site_name: str
    registration_open: bool
    anonymous_edits: bool
    mail_enabled: bool
    ip_retention_days: int
    language_cookie_days: int
    session_cookie: str
    secure_cookie: bool
    personal_fields: tuple[PersonalField, ...]


def ip_retention_days(config: Mapping[str, Any]) -> int:
    """Return how many days the IP log keeps an address (``IP_RETENTION_DAYS``, default 30)."""
    try:
        return max(0, int(config.get("IP_RETENTION_DAYS", DEFAULT_IP_RETENTION_DAYS)))
    except (TypeError, ValueError):
        return DEFAULT_IP_RETENTION_DAYS


def personal_fields(db: Session) -> list[PersonalField]:
    """Every personal field of the live forms, with its consent box, by form title."""
    found = []
    for form in db.scalars(select(Form).where(Form.deleted_at.is_(None)).order_by(Form.title)):
        rule = Disclosure(form_services.form_fields(form))
        for field in rule.fields:
            if field.personal:
                box = rule.consent_field(field)
                found.append(PersonalField(form.title, form.key, field.label, box.label if box else None))
    return found


def anonymous_edits(db: Session, policy: str) -> bool:
    """Tell whether anonymous visitors may contribute somewhere: the instance's policy, or a page's or form's own."""
    if policy == "readonly":
        return False
    if policy in ANONYMOUS_POLICIES:
        return True
    for model in (Form, Page):
        column = model.__table__.columns.get("edit_policy")
        if column is not None and db.scalar(select(column).where(column.in_(ANONYMOUS_POLICIES)).limit(1)):
            return True
    return False


def read_statement(db: Session, config: Mapping[str, Any]) -> Statement:
    """Gather what this instance keeps, from its settings ``config`` and its forms."""
    policy = str(config.get("EDIT_POLICY", "account"))
    return Statement(
        site_name=str(config.get("SITE_NAME", "")),
        registration_open=bool(config.get("REGISTRATION_OPEN", True)),
        anonymous_edits=anonymous_edits(db, policy),
        mail_enabled=bool(config.get("MAIL_SERVER")),
        ip_retention_days=ip_retention_days(config),
        language_cookie_days=LANGUAGE_COOKIE_DAYS,
        session_cookie=str(config.get("SESSION_COOKIE_NAME") or "session"),
        secure_cookie=bool(config.get("SESSION_COOKIE_SECURE")),
        personal_fields=tuple(personal_fields(db)),
    )
