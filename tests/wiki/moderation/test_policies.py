"""Edit policies × roles × actions: who may contribute, who publishes at once, who waits in the queue.

The rules are ``wiki.auth.permissions``' (pure, checked here as a table) and
the save paths obey them (checked through the real page and record
services): under ``premoderated`` what an untrusted person writes waits,
a trusted person's is published; ``locked`` is for moderators; the instance's
``readonly`` wins over any page or form.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from tests.factories import make_page
from tests.factories import make_user
from wiki.auth import permissions as P
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.moderation import policy
from wiki.pages import services as pages
from wiki.records import form_services
from wiki.records import services as records

pytestmark = pytest.mark.sqlite_only  # plain reads and writes; the save paths' SQL runs on both in test_queue

ROLES = ("anonymous", "visitor", "contributor", "moderator", "admin")
#: Who may contribute (submit) under each policy, by role (in ROLES order).
MAY_CONTRIBUTE = {
    "open": (True, False, True, True, True),
    "account": (False, False, True, True, True),
    "premoderated": (True, False, True, True, True),
    "locked": (False, False, False, True, True),
    "readonly": (False, False, False, False, True),
}


def actor(role: str, **extra: object) -> SimpleNamespace:
    """A stand-in actor of ``role`` (permissions read attributes only)."""
    if role == "anonymous":
        return SimpleNamespace(is_authenticated=False, role=None, is_active=False, id=None, **extra)
    return SimpleNamespace(is_authenticated=True, role=role, is_active=True, id=7, **extra)


@pytest.mark.parametrize("policy_name", sorted(MAY_CONTRIBUTE))
@pytest.mark.parametrize("role", ROLES)
def test_who_may_contribute_on_a_page_a_form_and_a_record(policy_name, role):
    expected = MAY_CONTRIBUTE[policy_name][ROLES.index(role)]
    who = actor(role)
    if policy_name == "readonly":  # an instance setting only
        page, form = SimpleNamespace(edit_policy=None, protected=False), SimpleNamespace(edit_policy=None)
        instance = "readonly"
    else:  # the page's and the form's own policy, on a wiki that requires an account
        page, form = SimpleNamespace(edit_policy=policy_name, protected=False), SimpleNamespace(edit_policy=policy_name)
        instance = "account"
    record = SimpleNamespace(status="published", form=form, author_id=None)
    assert P.can_edit_page(who, page, instance) is expected
    assert P.can_add_record(who, instance, form) is expected
    assert P.can_edit_record(who, record, instance) is expected


def test_the_instance_policy_applies_to_pages_and_forms_without_their_own():
    anonymous = actor("anonymous")
    plain_page, plain_form = SimpleNamespace(edit_policy=None, protected=False), SimpleNamespace(edit_policy=None)
    assert P.can_edit_page(anonymous, plain_page, "open") and P.can_add_record(anonymous, "open", plain_form)
    assert not P.can_edit_page(anonymous, plain_page, "account")
    assert P.page_policy(None, "premoderated") == "premoderated"


def test_readonly_wins_and_a_protected_page_is_locked():
    open_page = SimpleNamespace(edit_policy="open", protected=False)
    assert P.page_policy(open_page, "readonly") == "readonly"
    assert not P.can_edit_page(actor("moderator"), open_page, "readonly")
    assert P.can_edit_page(actor("admin"), open_page, "readonly")
    protected = SimpleNamespace(edit_policy=None, protected=True)
    assert P.page_policy(protected, "open") == "locked"
    assert not P.can_edit_page(actor("contributor"), protected, "open")
    assert P.can_edit_page(actor("moderator"), protected, "open")


@pytest.mark.parametrize(
    ("who", "accepted", "days", "trusted"),
    [
        (actor("anonymous"), 99, 999, False),
        (actor("visitor"), 99, 999, False),
        (actor("contributor"), 0, 0, False),  # a newcomer
        (actor("contributor"), 4, 30, False),  # not enough accepted contributions
        (actor("contributor"), 5, 6.5, False),  # an account too young
        (actor("contributor"), 5, 7, True),
        (actor("contributor", trusted=True), 0, 0, True),  # an admin's flag
        (actor("moderator"), 0, 0, True),
        (actor("admin"), 0, 0, True),
    ],
)
def test_who_is_trusted(who, accepted, days, trusted):
    assert P.is_trusted(who, accepted=accepted, account_days=days, min_contributions=5, min_days=7) is trusted
    assert P.must_wait("premoderated", trusted) is not trusted
    assert not P.must_wait("open", trusted) and not P.must_wait("account", trusted)


# --- the save paths obey the policies -------------------------------------------------------


FIELDS = [{"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True}]


@pytest.fixture
def people(db):
    """One account of each kind, a page and a form with one published record, under pre-moderation."""
    moderator = make_user(db, "Modo", role="moderator")
    veteran = make_user(db, "Ancienne")
    page = make_page(db, "Lavoir", "Le lavoir.\n", actor=moderator)
    for n in range(5):
        pages.save_page(
            db, page, body=f"Le lavoir, version {n}.\n", comment="", actor=veteran,
            base_revision_id=page.current_revision_id, policy="account",
        )  # fmt: skip
    veteran.created_at = utcnow() - timedelta(days=30)
    flagged = make_user(db, "Confiance")
    flagged.trusted = True
    form = form_services.create_form(db, key="lieux", title="Lieux", fields=FIELDS, actor=moderator)
    record = records.create_record(db, form, {"title": "Moulin"}, actor=moderator, policy="account")
    page.edit_policy = form.edit_policy = "premoderated"
    db.commit()
    return SimpleNamespace(
        moderator=moderator, veteran=veteran, flagged=flagged, newcomer=make_user(db, "Nouveau"),
        visitor=make_user(db, "Lectrice", role="visitor"), page=page, form=form, record=record,
    )  # fmt: skip


def _outcome(call) -> str:
    try:
        result = call()
    except Forbidden:
        return "refused"
    pending = getattr(result, "pending", None)
    if pending is not None or getattr(result, "status", None) == "pending":
        return "waits"
    return "published"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "waits"),
        ("visitor", "refused"),
        ("newcomer", "waits"),
        ("veteran", "published"),  # 5 accepted revisions, a 30-day-old account
        ("flagged", "published"),
        ("moderator", "published"),
    ],
)
def test_premoderation_in_the_page_and_record_services(app, db, people, who, expected):
    from wiki.auth.services import Anonymous

    person = Anonymous() if who == "anonymous" else getattr(people, who)
    with app.app_context():
        assert policy.is_trusted(db, person) is (expected == "published")
        edit = _outcome(lambda: pages.save_page(
            db, people.page, body=f"Texte de {who}.\n", comment="", actor=person,
            base_revision_id=people.page.current_revision_id, policy="account",
        ))  # fmt: skip
        created = _outcome(lambda: records.create_record(
            db, people.form, {"title": f"Fiche de {who}"}, actor=person, policy="account"
        ))  # fmt: skip
        changed = _outcome(lambda: records.update_record(
            db, people.record, {"title": f"Moulin de {who}"}, actor=person, policy="account",
            base_revision=people.record.revision_number,
        ))  # fmt: skip
    assert (edit, created, changed) == (expected, expected, expected)
    db.rollback()


def test_a_page_without_its_own_policy_follows_a_premoderated_instance(app, db, people):
    people.page.edit_policy = None
    db.commit()
    with app.app_context():
        waits = pages.save_page(
            db, people.page, body="Nouveau texte.\n", comment="", actor=people.newcomer,
            base_revision_id=people.page.current_revision_id, policy="premoderated",
        )  # fmt: skip
        published = pages.save_page(
            db, people.page, body="Autre texte.\n", comment="", actor=people.newcomer,
            base_revision_id=people.page.current_revision_id, policy="open",
        )  # fmt: skip
    assert waits.pending is not None and waits.revision is None
    assert published.pending is None and published.revision is not None
