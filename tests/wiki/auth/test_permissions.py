"""Who may do what: the per-object rules of wiki.auth.permissions, on plain stand-ins (no app, no database)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from wiki.auth import permissions
from wiki.auth.services import Anonymous


def person(role: str = "contributor", ident: int = 1, *, active: bool = True) -> SimpleNamespace:
    """An account as permissions read it."""
    return SimpleNamespace(is_authenticated=True, role=role, is_active=active, id=ident)


def record(status: str = "published", author_id: int | None = 1) -> SimpleNamespace:
    """A record as permissions read it."""
    return SimpleNamespace(status=status, author_id=author_id)


AUTHOR = person(ident=1)
OTHER = person(ident=2)
MODERATOR = person("moderator", ident=3)
ADMIN = person("admin", ident=4)


@pytest.mark.parametrize(
    "actor, policy, expected",
    [
        (Anonymous(), "open", True),
        (Anonymous(), "account", False),
        (OTHER, "account", True),
        (OTHER, "readonly", False),
        (ADMIN, "readonly", True),
        (person(active=False), "account", False),
    ],
)
def test_adding_a_record_follows_the_edit_policy(actor, policy, expected):
    assert permissions.can_add_record(actor, policy) is expected


@pytest.mark.parametrize("status", ["published", "archived"])
def test_public_records_are_seen_by_everyone(status):
    assert permissions.can_view_record(Anonymous(), record(status))
    assert permissions.can_view_record(OTHER, record(status))


@pytest.mark.parametrize("status", ["draft", "pending"])
def test_unpublished_records_are_seen_by_their_author_and_moderators(status):
    assert permissions.can_view_record(AUTHOR, record(status))
    assert permissions.can_view_record(MODERATOR, record(status))
    assert not permissions.can_view_record(OTHER, record(status))
    assert not permissions.can_view_record(Anonymous(), record(status, author_id=None))


def test_editing_a_record_needs_edit_rights_and_sight_of_it():
    assert permissions.can_edit_record(OTHER, record("published"), "account")
    assert permissions.can_edit_record(Anonymous(), record("published"), "open")
    assert not permissions.can_edit_record(Anonymous(), record("published"), "account")
    assert not permissions.can_edit_record(OTHER, record("draft"), "account")
    assert permissions.can_edit_record(AUTHOR, record("draft"), "account")
    assert not permissions.can_edit_record(AUTHOR, record("published"), "readonly")


def test_verifying_a_record_needs_an_account():
    assert not permissions.can_verify_record(Anonymous(), record(), "open")
    assert permissions.can_verify_record(OTHER, record(), "open")
    assert not permissions.can_verify_record(OTHER, record("pending"), "account")


@pytest.mark.parametrize(
    "actor, status, expected",
    [
        (MODERATOR, "published", True),
        (MODERATOR, "archived", True),
        (AUTHOR, "pending", True),
        (AUTHOR, "draft", True),
        (AUTHOR, "published", False),
        (AUTHOR, "archived", False),
        (OTHER, "pending", False),
        (Anonymous(), "draft", False),
    ],
)
def test_status_changes(actor, status, expected):
    assert permissions.can_set_record_status(actor, record("draft"), status) is expected


def test_only_moderators_archive_a_record_being_created():
    assert permissions.can_set_record_status(MODERATOR, None, "archived")
    assert not permissions.can_set_record_status(AUTHOR, None, "archived")


@pytest.mark.parametrize(
    "rule",
    [
        permissions.can_manage_forms,
        permissions.can_delete_record,
        permissions.can_see_removed_fields,
        permissions.can_list_unpublished_records,
    ],
)
def test_moderator_only_rules(rule):
    assert rule(MODERATOR) and rule(ADMIN)
    assert not rule(OTHER) and not rule(Anonymous())
    assert not rule(person("moderator", active=False))


def test_reader_level():
    assert permissions.reader_level(Anonymous()) == "public"
    assert permissions.reader_level(Anonymous(), record()) == "public"
    assert permissions.reader_level(OTHER) == "members"
    assert permissions.reader_level(OTHER, record()) == "members"
    assert permissions.reader_level(AUTHOR, record()) == "private"
    assert permissions.reader_level(MODERATOR) == "private"


def test_consent_is_given_by_the_author_or_a_moderator_only():
    assert permissions.can_give_consent(AUTHOR, record())
    assert permissions.can_give_consent(MODERATOR, record())
    assert not permissions.can_give_consent(OTHER, record())
    assert not permissions.can_give_consent(Anonymous(), record(author_id=None))
