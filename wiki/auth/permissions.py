"""Who may do what: one function per action (STYLE R8).

Services call these and raise ``Forbidden``; views and templates call them only to
choose what to show (a button, an editor), never to re-check what the service
they call checks. The actor is a ``User`` or the anonymous user (``role`` is
None); the instance edit policy is ``open``, ``account``, ``premoderated``,
``locked`` or ``readonly``; pages and forms may set their own (:data:`POLICIES`). Pages,
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


# --- edit policies (per instance, form and page) and trust --------------------------------

#: Policies a page or a form may set, from the most open: ``open`` (anonymous visitors
#: edit), ``account`` (an account is required), ``premoderated`` (anyone may contribute;
#: what untrusted people write waits for review) and ``locked`` (moderators only).
POLICIES: tuple[str, ...] = ("open", "account", "premoderated", "locked")
#: The instance setting ``EDIT_POLICY`` also takes ``readonly``: only admins edit, whatever
#: a page or a form says (a freeze, e.g. before hibernation).
INSTANCE_POLICIES: tuple[str, ...] = (*POLICIES, "readonly")


def effective_policy(policy: str, own: str | None = None, *, protected: bool = False) -> str:
    """Return the policy that applies: ``readonly`` wins, a protected page is ``locked``,
    then the page's or form's own policy (``own``), else the instance's ``policy``."""
    if policy == "readonly":
        return "readonly"
    if protected:
        return "locked"
    return own if own in POLICIES else policy


def page_policy(page: Any, policy: str) -> str:
    """Return the policy of ``page`` (None: a page to create, under the instance policy)."""
    if page is None:
        return effective_policy(policy)
    return effective_policy(policy, getattr(page, "edit_policy", None), protected=getattr(page, "protected", False))


def form_policy(form: Any, policy: str) -> str:
    """Return the policy of the records of ``form`` (None: the instance policy)."""
    return effective_policy(policy, getattr(form, "edit_policy", None))


def is_trusted(actor: Any, *, accepted: int, account_days: float, min_contributions: int, min_days: float) -> bool:
    """Tell whether ``actor`` publishes directly under pre-moderation.

    Moderators and admins always; a contributor an admin marked trusted; a
    contributor with at least ``min_contributions`` accepted contributions
    (``accepted``) whose account is at least ``min_days`` old
    (``account_days``). Never an anonymous visitor nor a ``visitor`` account.
    """
    if has_role(actor, "moderator"):
        return True
    if not has_role(actor, "contributor"):
        return False
    if getattr(actor, "trusted", False):
        return True
    return accepted >= min_contributions and account_days >= min_days


def must_wait(policy: str, trusted: bool) -> bool:
    """Tell whether a contribution under ``policy`` waits for review (untrusted under pre-moderation)."""
    return policy == "premoderated" and not trusted


def can_moderate(actor: Any) -> bool:
    """The queue of waiting contributions (accept, refuse) is for moderators."""
    return has_role(actor, "moderator")


def can_set_edit_policy(actor: Any) -> bool:
    """Setting the policy of a page or a form is for moderators."""
    return has_role(actor, "moderator")


def can_set_trusted(actor: Any) -> bool:
    """Marking an account as trusted (it publishes directly) is for admins."""
    return has_role(actor, "admin")


def can_see_waiting(actor: Any, item: Any, session_key: str | None = None) -> bool:
    """A waiting contribution is seen by moderators and its author only (an anonymous
    author by the browser session that wrote it, ``session_key``)."""
    if has_role(actor, "moderator"):
        return True
    if getattr(actor, "is_authenticated", False):
        return item.author_id is not None and item.author_id == actor.id
    return item.author_id is None and bool(session_key) and item.session_key == session_key


def can_edit_content(actor: Any, policy: str) -> bool:
    """Tell whether ``actor`` may create or change ordinary content under ``policy``.

    Under ``premoderated`` anonymous visitors may contribute as under ``open``:
    what they write waits for review.
    """
    if policy == "readonly":
        return has_role(actor, "admin")
    if policy == "locked":
        return has_role(actor, "moderator")
    if policy in ("open", "premoderated") and not getattr(actor, "is_authenticated", False):
        return True
    return has_role(actor, "contributor")


def can_edit_page(actor: Any, page: Any, policy: str) -> bool:
    """Tell whether ``actor`` may edit ``page`` (None: a page to create) under its policy."""
    return can_edit_content(actor, page_policy(page, policy))


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


def can_add_record(actor: Any, policy: str, form: Any = None) -> bool:
    """Anyone who may edit content under the form's policy may add a record (anonymous ones wait for review)."""
    return can_edit_content(actor, form_policy(form, policy))


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
    return can_edit_content(actor, form_policy(getattr(record, "form", None), policy))


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


# --- personal data (wiki.privacy) -----------------------------------------------------------


def can_erase_account(actor: Any) -> bool:
    """Erasing a person's account and personal values (RGPD) is for admins."""
    return has_role(actor, "admin")


def can_export_personal_data(actor: Any, user: Any) -> bool:
    """A person downloads their own data; admins download anyone's (to answer a request)."""
    own = getattr(actor, "is_authenticated", False) and getattr(actor, "id", None) == getattr(user, "id", False)
    return bool(own) or has_role(actor, "admin")


# --- patrol and mass rollback (wiki.activity.patrol, wiki.activity.rollback) ------------------


def can_patrol(actor: Any) -> bool:
    """Marking changes as reviewed, and seeing which are not, is for moderators."""
    return has_role(actor, "moderator")


def can_rollback(actor: Any) -> bool:
    """Undoing everything an account, an anonymous session or a time window did is for moderators."""
    return has_role(actor, "moderator")


# --- anti-spam (wiki.moderation.spam, wiki.moderation.iplog) -------------------------------


def can_edit_blocklist(actor: Any) -> bool:
    """The anti-spam blocklist (domains and phrases refused from newcomers) is edited by moderators."""
    return has_role(actor, "moderator")


def can_see_ip_log(actor: Any) -> bool:
    """The restricted IP log is read by moderators, for abuse handling only."""
    return has_role(actor, "moderator")


# --- visit statistics and hibernation (wiki.stats, wiki.hibernation) -------------------------


def can_see_statistics(actor: Any) -> bool:
    """The visit statistics dashboard and its CSV export are for animateurs: moderators and admins."""
    return has_role(actor, "moderator")


def can_hibernate(actor: Any) -> bool:
    """Putting the wiki to sleep (read-only) and waking it up is for admins."""
    return has_role(actor, "admin")


# --- wiki-parties (wiki.parties) ------------------------------------------------------------------


def can_organise_party(actor: Any) -> bool:
    """Opening a wiki-party, ticking its goals and seeing its QR code is for mentors: moderators and admins."""
    return has_role(actor, "moderator")
