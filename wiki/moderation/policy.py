"""Edit policies and trust: does a contribution publish now or wait for review?

The rules are :mod:`wiki.auth.permissions`' (``is_trusted``, ``must_wait``,
``page_policy``, ``form_policy``); this module reads what they need from the
database (how many accepted contributions an account has) and the settings
``TRUSTED_MIN_CONTRIBUTIONS`` and ``TRUSTED_MIN_DAYS``. Domains (pages,
records) call :func:`waits` in their save paths.

The origin of a contribution (web, api, import, party) is set by the web
layer for the request (:func:`set_origin`); outside a request it is
``import`` (command line, importers). Service layer: no request globals.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Any

from flask import current_app
from flask import has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.auth import permissions
from wiki.auth.models import User
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.pages.models import PageRevision
from wiki.records.models import Record

#: French names of the policies, as the protect screen and the form builder offer them.
POLICY_LABELS: dict[str, Any] = {
    "open": _l("ouverte : tout le monde, même sans compte"),
    "account": _l("compte requis"),
    "premoderated": _l("pré-modérée : les nouveaux venus et les anonymes passent par la relecture"),
    "locked": _l("verrouillée : modérateurs seulement"),
    "readonly": _l("lecture seule : administrateurs seulement"),
}

#: Where contributions come from, as the queue shows them.
ORIGINS: tuple[str, ...] = ("web", "api", "import", "party")
_origin: ContextVar[str] = ContextVar("lieudit_contribution_origin", default="import")


def set_origin(origin: str) -> None:
    """Say where the contributions that follow come from (the web layer, per request)."""
    _origin.set(origin if origin in ORIGINS else "web")


def current_origin(actor: Any = None) -> str:
    """Return the origin of a contribution by ``actor`` (a wiki-party guest: ``party``)."""
    if getattr(actor, "party_id", None):
        return "party"
    return _origin.get()


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default)) if has_app_context() else default


def accepted_contributions(db: Session, actor: Any) -> int:
    """Count what ``actor`` wrote that is public: page revisions and published or archived records."""
    if not getattr(actor, "is_authenticated", False):
        return 0
    pages = db.scalar(select(func.count()).select_from(PageRevision).where(PageRevision.author_id == actor.id))
    records = db.scalar(
        select(func.count())
        .select_from(Record)
        .where(Record.author_id == actor.id, Record.status.in_(("published", "archived")))
    )
    return int(pages or 0) + int(records or 0)


def is_trusted(db: Session, actor: Any, *, now: datetime | None = None) -> bool:
    """Tell whether ``actor`` publishes directly under pre-moderation (:func:`permissions.is_trusted`)."""
    if permissions.has_role(actor, "moderator") or getattr(actor, "trusted", False):
        return permissions.is_trusted(actor, accepted=0, account_days=0, min_contributions=1, min_days=0)
    if not permissions.has_role(actor, "contributor"):
        return False
    created = getattr(actor, "created_at", None)
    days = ((now or utcnow()) - created).total_seconds() / 86400 if created else 0.0
    minimum = _setting("TRUSTED_MIN_CONTRIBUTIONS", 5)
    min_days = _setting("TRUSTED_MIN_DAYS", 7)
    if days < min_days:
        return False
    return permissions.is_trusted(
        actor,
        accepted=accepted_contributions(db, actor),
        account_days=days,
        min_contributions=minimum,
        min_days=min_days,
    )


def waits(db: Session, actor: Any, policy: str) -> bool:
    """Tell whether a contribution by ``actor`` under the (effective) ``policy`` waits for review."""
    if policy != "premoderated":
        return False
    return permissions.must_wait(policy, is_trusted(db, actor))


def set_trusted(db: Session, user_id: int, trusted: bool, *, actor: Any) -> User:
    """Mark an account as trusted (it publishes directly under pre-moderation), or take the mark back.

    The change is written to the public moderation log. The caller commits.

    :raises Forbidden: the actor is not an admin.
    :raises NotFound: no such account.
    """
    from wiki.moderation import journal

    if not permissions.can_set_trusted(actor):
        raise Forbidden(str(_l("Seuls les administrateurs accordent la confiance à un compte.")))
    user = db.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        raise NotFound(str(_l("Ce compte n'existe pas.")))
    if bool(user.trusted) == trusted:
        return user
    user.trusted = trusted
    db.flush()
    journal.log(
        db,
        action="trust" if trusted else "untrust",
        actor=actor,
        kind="user",
        object_id=user.id,
        title=user.name,
        key="",
    )
    return user
