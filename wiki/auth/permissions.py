"""Who may do what: one function per action (STYLE R8).

Services call these and raise ``Forbidden``; views and templates call them only to
choose what to show (a button, an editor), never to re-check what the service
they call checks. The actor is a ``User`` or the anonymous user (``role`` is
None); the instance edit policy is ``open``, ``account`` or ``readonly``. Pages,
accounts and the directory's forms and records each have their section here.

Imports only :mod:`wiki.auth.models` (the roles): objects are read by attribute.
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


# --- the directory: forms and records (wiki.records) ---------------------------------------


def can_manage_forms(actor: Any) -> bool:
    """Forms, shared choice lists and themes are changed by moderators."""
    return has_role(actor, "moderator")


def can_add_record(actor: Any, policy: str) -> bool:
    """Anyone who may edit content may add a record (anonymous ones wait for review)."""
    return can_edit_content(actor, policy)


def can_list_unpublished_records(actor: Any) -> bool:
    """Lists show drafts and records awaiting review to moderators only."""
    return has_role(actor, "moderator")


def can_view_record(actor: Any, record: Any) -> bool:
    """Published and archived records are public; others only to their author and moderators."""
    if record.status in ("published", "archived"):
        return True
    if has_role(actor, "moderator"):
        return True
    return getattr(actor, "is_authenticated", False) and record.author_id == actor.id


def can_edit_record(actor: Any, record: Any, policy: str) -> bool:
    """Contributors edit records like pages; drafts only by their author or moderators."""
    if record.status in ("draft", "pending") and not can_view_record(actor, record):
        return False
    return can_edit_content(actor, policy)


def can_verify_record(actor: Any, record: Any, policy: str) -> bool:
    """Confirming a record is up to date ("vérifié le") needs edit rights and an account."""
    return can_edit_record(actor, record, policy) and getattr(actor, "is_authenticated", False)


def can_set_record_status(actor: Any, record: Any, status: str) -> bool:
    """Moderators publish and archive; authors move their own record between draft and pending.

    ``record`` None asks about a record being created, which has no author yet.
    """
    if has_role(actor, "moderator"):
        return True
    own = record is not None and getattr(actor, "is_authenticated", False) and record.author_id == actor.id
    return own and status in ("draft", "pending")


def can_delete_record(actor: Any) -> bool:
    """Deleting a record (its history is kept) is for moderators."""
    return has_role(actor, "moderator")


def can_see_removed_fields(actor: Any) -> bool:
    """Values of fields removed from the form show in diffs to moderators only
    (their visibility is no longer known)."""
    return has_role(actor, "moderator")


def reader_level(actor: Any, record: Any = None) -> str:
    """Return which values of ``record`` the actor reads (:data:`wiki.records.disclosure.READERS`).

    ``private`` for moderators and the record's author, ``members`` for other
    accounts, ``public`` for anonymous visitors. Which fields each level reads
    is the form's rule, :mod:`wiki.records.disclosure`.
    """
    if has_role(actor, "moderator"):
        return "private"
    if not getattr(actor, "is_authenticated", False):
        return "public"
    return "private" if record is not None and record.author_id == actor.id else "members"


def can_give_consent(actor: Any, record: Any) -> bool:
    """Ticking a consent box publishes personal values: only who may change them
    (the record's author, moderators) may say the person agreed."""
    return reader_level(actor, record) == "private"
