"""Who may do what: one function per action (STYLE R8).

Services call these and raise ``Forbidden``; templates call them only to hide
buttons. The actor is a ``User`` or the anonymous user (``role`` is None).
The instance edit policy is ``open``, ``account`` or ``readonly``.
"""

from __future__ import annotations

from typing import Any
from typing import Protocol

from wiki.auth.models import ROLES


class Actor(Protocol):
    """What permissions need to know about someone."""

    is_authenticated: bool
    role: str | None
    is_active: bool


def has_role(actor: Any, role: str) -> bool:
    """Tell whether ``actor`` holds ``role`` or a higher one."""
    actor_role = getattr(actor, "role", None)
    if not getattr(actor, "is_authenticated", False) or actor_role not in ROLES:
        return False
    return bool(getattr(actor, "is_active", True)) and ROLES.index(actor_role) >= ROLES.index(role)


def can_edit_content(actor: Any, policy: str) -> bool:
    """Tell whether ``actor`` may create or change ordinary content."""
    if policy == "readonly":
        return has_role(actor, "admin")
    if policy == "open" and not getattr(actor, "is_authenticated", False):
        return True
    return has_role(actor, "contributor")


def can_edit_page(actor: Any, page: Any, policy: str) -> bool:
    """Tell whether ``actor`` may edit ``page`` (None: a page to create)."""
    if page is not None and getattr(page, "protected", False):
        return has_role(actor, "moderator") and (policy != "readonly" or has_role(actor, "admin"))
    return can_edit_content(actor, policy)


def can_rename_page(actor: Any, page: Any, policy: str) -> bool:
    """Renaming moves links around: it needs an account and edit rights."""
    return has_role(actor, "contributor") and can_edit_page(actor, page, policy)


def can_upload(actor: Any, page: Any, policy: str) -> bool:
    """Attaching files needs an account, even on an open wiki (spam, storage)."""
    return has_role(actor, "contributor") and can_edit_page(actor, page, policy)


def can_delete_page(actor: Any) -> bool:
    """Deleting and restoring pages is for moderators."""
    return has_role(actor, "moderator")


def can_protect_page(actor: Any) -> bool:
    """Protecting a page against edits is for moderators."""
    return has_role(actor, "moderator")


def can_see_deleted(actor: Any) -> bool:
    """Deleted pages stay visible to moderators only."""
    return has_role(actor, "moderator")


def can_manage_users(actor: Any) -> bool:
    """Changing roles and blocking accounts is for admins."""
    return has_role(actor, "admin")
