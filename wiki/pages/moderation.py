"""Moderators' actions on pages: delete, restore, protect, set the page's edit policy.

Nothing is erased: a deleted page keeps its revisions and can be restored;
a protected page is edited by moderators only (:mod:`wiki.auth.permissions`).
Each action sends its signal (activity feed, search). Service layer: no
request globals; the caller commits.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from wiki import signals
from wiki.auth import permissions
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import ValidationError
from wiki.moderation import policy as edit_policies
from wiki.pages import saving
from wiki.pages.models import Page


def delete_page(db: Session, page: Page, *, actor: Any, comment: str = "") -> None:
    """Delete a page (restorable: nothing is erased).

    :raises Forbidden: the actor is not a moderator.
    """
    if not permissions.can_delete_page(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent supprimer une page.")))
    if page.is_deleted:
        return
    page.deleted_at = page.updated_at = utcnow()
    db.flush()
    signals.page_deleted.send(
        page, session=db, page=page, action="delete", actor=actor, comment=saving.clean_comment(comment)
    )


def restore_page(db: Session, page: Page, *, actor: Any) -> None:
    """Bring a deleted page back.

    :raises Forbidden: the actor is not a moderator.
    """
    if not permissions.can_delete_page(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent restaurer une page.")))
    if not page.is_deleted:
        return
    page.deleted_at = None
    page.updated_at = utcnow()
    db.flush()
    signals.page_deleted.send(page, session=db, page=page, action="restore", actor=actor, comment="")


def protect_page(db: Session, page: Page, protected: bool, *, actor: Any) -> None:
    """Protect a page so only moderators edit it, or lift the protection.

    :raises Forbidden: the actor is not a moderator.
    """
    if not permissions.can_protect_page(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent protéger une page.")))
    if page.protected == protected:
        return
    page.protected = protected
    page.edit_policy = "locked" if protected else None if page.edit_policy == "locked" else page.edit_policy
    page.updated_at = utcnow()
    db.flush()
    action = "protect" if protected else "unprotect"
    signals.page_changed.send(page, session=db, page=page, action=action, actor=actor, comment="")


def set_page_policy(db: Session, page: Page, policy: str | None, *, actor: Any) -> None:
    """Give a page its own edit policy (None: as the instance); ``locked`` protects it.

    :raises Forbidden: the actor is not a moderator.
    :raises ValidationError: unknown policy.
    """
    if not permissions.can_set_edit_policy(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent choisir qui modifie une page.")))
    if policy is not None and policy not in permissions.POLICIES:
        raise ValidationError(str(_l("Règle de modification inconnue.")), {"policy": str(_l("Choix inconnu."))})
    locked = policy == "locked"
    if page.edit_policy == policy and page.protected == locked:
        return
    was_protected = page.protected
    page.edit_policy = policy
    page.protected = locked
    page.updated_at = utcnow()
    db.flush()
    action = "protect" if locked else "unprotect" if was_protected else "policy"
    label = edit_policies.POLICY_LABELS[policy] if policy else _l("comme le wiki")
    note = str(_l("Règle de modification : %(label)s", label=label))
    signals.page_changed.send(page, session=db, page=page, action=action, actor=actor, comment=note)
