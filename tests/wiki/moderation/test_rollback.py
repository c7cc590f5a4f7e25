"""Mass rollback: one account, one anonymous session or one window undone across pages, records, forms
and map features as one logged action, and that action undone in turn."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func
from sqlalchemy import select

from geodata.models import RecordGeometry
from tests.factories import make_page
from tests.factories import make_user
from wiki.activity import rollback
from wiki.activity import rollback_apply
from wiki.auth import Visitor
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import ValidationError
from wiki.moderation import journal
from wiki.pages import services as pages
from wiki.pages.models import Page
from wiki.records import form_services
from wiki.records import services as records
from wiki.records.models import Record

FIELDS = [
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_00000002", "key": "lieu", "type": "geometry", "label": "Lieu"},
]
REDON = {"type": "Point", "coordinates": [-2.0857, 47.6517]}
BAINS = {"type": "Point", "coordinates": [-2.0667, 47.6833]}


def edit(db, page, body, actor, policy="account"):
    """Save a new text on ``page`` from its current revision."""
    return pages.save_page(
        db, page, body=body, comment="", actor=actor, base_revision_id=page.current_revision_id, policy=policy
    )


def text(page):
    return page.current_revision.body


@pytest.fixture
def app(make_app):
    """The spam here got past the anti-spam limits (a slow wave, or rules set too loose): they are off."""
    return make_app(RATE_LIMIT_NEWCOMER=0, RATE_LIMIT_ANONYMOUS=0, SPAM_MAX_NEW_LINKS=10_000)


@pytest.fixture
def people(db):
    return {
        "alix": make_user(db, "Alix"),
        "spam": make_user(db, "Vendeur"),
        "modo": make_user(db, "Modo", role="moderator"),
    }


@pytest.fixture
def places(db, people):
    return form_services.create_form(db, key="lieux", title="Lieux", fields=FIELDS, actor=people["modo"])


def _scene(db, people, places):
    """Alix writes, the spammer vandalises pages, records and map features, Alix edits after them."""
    alix, spam = people["alix"], people["spam"]
    market = make_page(db, "Marché", "Le marché a lieu le samedi.\n", actor=alix)
    edit(db, market, "ACHETEZ DES MONTRES\n", spam)
    edit(db, market, "ACHETEZ DES MONTRES pas chères\n", spam)
    hall = make_page(db, "Halle", "un\ndeux\ntrois\nquatre\ncinq\n", actor=alix)
    edit(db, hall, "un\nSPAM http://pub.example\ndeux\ntrois\nquatre\ncinq\n", spam)
    edit(db, hall, "un\nSPAM http://pub.example\ndeux\ntrois\nquatre\ncinq\nsix (Alix)\n", alix)
    clash = make_page(db, "Lavoir", "Le lavoir.\n", actor=alix)
    edit(db, clash, "Le lavoir SPAM.\n", spam)
    edit(db, clash, "Le lavoir restauré en 2020.\n", alix)
    ad = pages.create_page(db, title="Montres", body="pub", comment="", actor=spam, policy="account").page
    untouched = make_page(db, "Bibliothèque", "Ouverte le mardi.\n", actor=alix)
    station = records.create_record(db, places, {"title": "Gare", "lieu": REDON}, actor=alix, policy="account")
    records.update_record(
        db, station, {"title": "Gare SPAM", "lieu": BAINS}, actor=spam, policy="account", base_revision=None
    )
    fake = records.create_record(db, places, {"title": "Boutique", "lieu": BAINS}, actor=spam, policy="account")
    db.commit()
    return {
        "market": market,
        "hall": hall,
        "clash": clash,
        "ad": ad,
        "untouched": untouched,
        "station": station,
        "fake": fake,
    }


def test_rollback_of_one_account_across_pages_records_and_map(db, people, places):
    scene = _scene(db, people, places)
    target = rollback.Target(user_ids=(people["spam"].id,), user_names=("Vendeur",))
    plan = rollback.plan_rollback(db, target)
    steps = {(s.kind, s.object_id): s for s in plan.steps}
    assert steps["page", scene["market"].id].action == "revert"
    assert steps["page", scene["hall"].id].action == "merge"
    assert steps["page", scene["clash"].id].action == "conflict"
    assert steps["page", scene["ad"].id].action == "delete"
    assert ("page", scene["untouched"].id) not in steps
    assert steps["record", scene["station"].id].action == "revert"
    assert steps["record", scene["fake"].id].action == "delete"
    assert plan.changes == 6 and len(plan.conflicts) == 1

    entry = rollback_apply.apply_rollback(db, plan, actor=people["modo"], policy="account", reason="vente de montres")
    db.commit()

    assert text(scene["market"]) == "Le marché a lieu le samedi.\n"
    # Alix's later line stays; the spam line between is gone.
    assert text(scene["hall"]) == "un\ndeux\ntrois\nquatre\ncinq\nsix (Alix)\n"
    # Overlapping edits by Alix after the spammer: the page is left as Alix made it, and reported.
    assert text(scene["clash"]) == "Le lavoir restauré en 2020.\n"
    assert scene["ad"].is_deleted
    assert text(scene["untouched"]) == "Ouverte le mardi.\n" and scene["untouched"].current_revision.number == 1
    station, fake = db.get(Record, scene["station"].id), db.get(Record, scene["fake"].id)
    assert station.title == "Gare" and db.get(RecordGeometry, station.id) is not None
    assert fake.deleted_at is not None and db.get(RecordGeometry, fake.id) is None

    assert entry.action == "rollback" and entry.kind == "user" and entry.title == "Vendeur"
    assert entry.reason == "vente de montres"
    assert "3 pages" in entry.details["summary"] and "2 fiches" in entry.details["summary"]
    assert [s["title"] for s in entry.details["skipped"]] == ["Lavoir"]
    assert journal.list_entries(db, action="rollback") == [entry]


def test_undo_of_a_rollback_puts_everything_back(db, people, places):
    scene = _scene(db, people, places)
    before = {k: text(scene[k]) for k in ("market", "hall", "clash", "ad")}
    target = rollback.Target(user_ids=(people["spam"].id,), user_names=("Vendeur",))
    entry = rollback_apply.apply_rollback(
        db, rollback.plan_rollback(db, target), actor=people["modo"], policy="account"
    )
    db.commit()

    undo = rollback_apply.undo_rollback(db, entry, actor=people["modo"], policy="account", reason="erreur")
    db.commit()

    assert {k: text(scene[k]) for k in before} == before
    assert not scene["ad"].is_deleted
    fake = db.get(Record, scene["fake"].id)
    assert fake.deleted_at is None and db.get(RecordGeometry, fake.id) is not None
    assert db.get(Record, scene["station"].id).title == "Gare SPAM"
    assert undo.action == "rollback-undo" and undo.details["undoes"] == entry.id
    assert entry.details["undone_by"] == undo.id
    with pytest.raises(ValidationError):
        rollback_apply.undo_rollback(db, entry, actor=people["modo"], policy="account")


def test_undo_leaves_alone_what_changed_after_the_rollback(db, people, places):
    scene = _scene(db, people, places)
    target = rollback.Target(user_ids=(people["spam"].id,), user_names=("Vendeur",))
    entry = rollback_apply.apply_rollback(
        db, rollback.plan_rollback(db, target), actor=people["modo"], policy="account"
    )
    edit(db, scene["market"], "Le marché a lieu le samedi matin.\n", people["alix"])
    db.commit()
    undo = rollback_apply.undo_rollback(db, entry, actor=people["modo"], policy="account")
    db.commit()
    assert text(scene["market"]) == "Le marché a lieu le samedi matin.\n"
    assert [item["id"] for item in undo.details["skipped"]] == [scene["market"].id]


def test_only_moderators_roll_back(db, people, places):
    _scene(db, people, places)
    plan = rollback.plan_rollback(db, rollback.Target(user_ids=(people["spam"].id,)))
    with pytest.raises(Forbidden):
        rollback_apply.apply_rollback(db, plan, actor=people["alix"], policy="account")
    with pytest.raises(ValidationError):
        rollback_apply.apply_rollback(db, rollback.Plan(rollback.Target()), actor=people["modo"], policy="account")


def _as_visitor(app, db, work):
    """Run ``work(visitor)`` as the anonymous visitor of one browser session; return its key.

    The request works in the test's session, as a real request works in its own.
    """
    with app.test_request_context("/", method="POST"):
        g.db_session = db
        visitor = Visitor()
        try:
            work(visitor)
        finally:
            g.pop("db_session")
        return visitor.session_key


def test_rollback_of_one_anonymous_session_spares_the_other(app, db, people, places):
    page = make_page(db, "Fontaine", "La fontaine.\n", actor=people["alix"])
    other = make_page(db, "Moulin", "Le moulin.\n", actor=people["alix"])
    db.commit()
    bad_key = _as_visitor(
        app, db, lambda v: (edit(db, page, "pub\n", v, "open"), edit(db, other, "pub 2\n", v, "open"))
    )
    good_key = _as_visitor(app, db, lambda v: edit(db, other, "Le moulin, 1850.\n", v, "open"))
    record_key = _as_visitor(
        app, db, lambda v: records.create_record(db, places, {"title": "Pub", "lieu": REDON}, actor=v, policy="open")
    )
    db.commit()
    assert len({bad_key, good_key, record_key}) == 3

    secret = app.config["SECRET_KEY"]
    from wiki.activity import pseudonyms

    alias = pseudonyms.pseudonym(secret, bad_key)
    target = rollback.read_target(db, {"anonyme": alias}, secret=secret)
    assert target.session_keys == (bad_key,)
    plan = rollback.plan_rollback(db, target)
    # The other anonymous person edited "Moulin" over the same line: kept, reported.
    assert {(s.object_id, s.action) for s in plan.steps} == {(page.id, "revert"), (other.id, "conflict")}
    entry = rollback_apply.apply_rollback(db, plan, actor=people["modo"], policy="open")
    db.commit()
    assert text(page) == "La fontaine.\n" and text(other) == "Le moulin, 1850.\n"
    assert entry.kind == "session" and entry.title == f"Anonyme {alias}" and entry.key == alias
    assert bad_key not in str(entry.details) and bad_key not in entry.title

    records_target = rollback.read_target(db, {"anonyme": pseudonyms.pseudonym(secret, record_key)}, secret=secret)
    rollback_apply.apply_rollback(db, rollback.plan_rollback(db, records_target), actor=people["modo"], policy="open")
    db.commit()
    assert db.scalar(select(Record.deleted_at).where(Record.title == "Pub")) is not None


def test_rollback_of_a_window_undoes_everyone_in_it_and_nobody_outside(db, people, places):
    rogue = make_user(db, "Modo voyou", role="moderator")
    page = make_page(db, "Étang", "L'étang.\n", actor=people["alix"])
    db.commit()
    since = utcnow()
    edit(db, page, "vandalisme\n", people["spam"])
    form_services.update_form(db, places, title="Lieux (à vendre)", fields=FIELDS, actor=rogue)
    until = utcnow()
    later = make_page(db, "Pont", "Le pont.\n", actor=people["alix"])
    db.commit()

    target = rollback.read_target(
        db, {"depuis": since.isoformat(), "jusqua": until.isoformat()}, secret="x", timezone="Europe/Paris"
    )
    assert target.since == since and target.until == until
    entry = rollback_apply.apply_rollback(
        db, rollback.plan_rollback(db, target), actor=people["modo"], policy="account"
    )
    db.commit()
    assert text(page) == "L'étang.\n" and places.title == "Lieux"
    assert not later.is_deleted and text(later) == "Le pont.\n"
    assert entry.kind == "window" and "1 formulaire" in entry.details["summary"]

    rollback_apply.undo_rollback(db, entry, actor=people["modo"], policy="account")
    db.commit()
    assert places.title == "Lieux (à vendre)" and text(page) == "vandalisme\n"


def test_local_times_of_a_window_follow_the_instance_time_zone(db):
    target = rollback.read_target(
        db, {"depuis": "2026-07-01T14:00", "jusqua": "nonsense"}, secret="x", timezone="Europe/Paris"
    )
    assert target.since == target.since.replace(hour=12) and target.since.utcoffset() == timedelta(0)
    assert target.until is None


def test_an_unknown_account_selects_nothing(db, people, places):
    _scene(db, people, places)
    target = rollback.read_target(db, {"auteur": "Personne"}, secret="x")
    assert not target.empty and rollback.plan_rollback(db, target).steps == []


def test_a_thousand_spam_revisions_from_twenty_accounts_are_undone_in_one_action(db, people, places):
    """No timing here: ``bench/rollback.py`` measures it."""
    alix = people["alix"]
    good = [make_page(db, f"Page {n}", f"Texte {n}.\n", actor=alix) for n in range(40)]
    spammers = [make_user(db, f"Vendeur {n}") for n in range(20)]
    db.commit()
    for n, spammer in enumerate(spammers):
        for k in range(5):  # 5 pages and 5 map points of their own
            pages.create_page(db, title=f"Pub {n}-{k}", body="achetez", comment="", actor=spammer, policy="account")
            records.create_record(db, places, {"title": f"Pub {n}-{k}", "lieu": REDON}, actor=spammer, policy="account")
        for k in range(40):  # and 40 edits of the good pages
            edit(db, good[(n + k) % 40], f"spam {n} {k}\n", spammer)
        db.commit()
    later = good[0]
    edit(db, later, "Texte 0 corrigé par Alix.\n", alix)  # overlapping the spam: kept, reported
    db.commit()

    names = ",".join(s.name for s in spammers)
    target = rollback.read_target(db, {"auteur": names}, secret="x")
    plan = rollback.plan_rollback(db, target)
    assert plan.changes + sum(s.changes for s in plan.conflicts) == 1000
    entry = rollback_apply.apply_rollback(db, plan, actor=people["modo"], policy="account", checkpoint=db.commit)
    db.commit()

    assert [s["title"] for s in entry.details["skipped"]] == ["Page 0"]
    assert all(text(p) == f"Texte {n}.\n" for n, p in enumerate(good) if n)
    assert text(later) == "Texte 0 corrigé par Alix.\n"
    assert db.scalar(select(func.count()).select_from(Page).where(Page.deleted_at.is_(None))) == 40
    assert db.scalar(select(func.count()).select_from(Record).where(Record.deleted_at.is_(None))) == 0

    rollback_apply.undo_rollback(db, entry, actor=people["modo"], policy="account", checkpoint=db.commit)
    db.commit()
    assert db.scalar(select(func.count()).select_from(Page).where(Page.deleted_at.is_(None))) == 140
    assert db.scalar(select(func.count()).select_from(Record).where(Record.deleted_at.is_(None))) == 100
    assert all(text(p).startswith("spam ") for p in good[1:])


def test_a_page_renamed_by_the_target_gets_its_title_and_address_back(client, db, people):
    page = make_page(db, "Marché couvert", "Le samedi.\n", actor=people["alix"])
    pages.rename_page(db, page, "Montres pas chères", actor=people["spam"], policy="account")
    edit(db, page, "ACHETEZ\n", people["spam"])
    db.commit()
    target = rollback.Target(user_ids=(people["spam"].id,), user_names=("Vendeur",))
    entry = rollback_apply.apply_rollback(
        db, rollback.plan_rollback(db, target), actor=people["modo"], policy="account"
    )
    db.commit()
    assert (page.title, page.slug, text(page)) == ("Marché couvert", "marche-couvert", "Le samedi.\n")
    assert client.get("/pages/montres-pas-cheres").status_code in (301, 302, 308)

    rollback_apply.undo_rollback(db, entry, actor=people["modo"], policy="account")
    db.commit()
    assert (page.title, text(page)) == ("Montres pas chères", "ACHETEZ\n")
