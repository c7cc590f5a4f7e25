"""Erasure of an account (RGPD): pseudonymised everywhere, personal values redacted, all or nothing, idempotent.

Runs on both databases: bulk updates of JSON snapshots and the read-then-write
phases depend on the dialect.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text

from tests.factories import make_user
from tests.wiki.privacy.conftest import CONSENTED
from tests.wiki.privacy.conftest import EMAIL
from tests.wiki.privacy.conftest import NAME
from tests.wiki.privacy.conftest import PERSONAL_EMAIL
from tests.wiki.privacy.conftest import TRACES
from wiki import signals
from wiki.auth import services as accounts
from wiki.auth import tokens
from wiki.auth.models import ApiToken
from wiki.auth.models import User
from wiki.db import Base
from wiki.errors import Forbidden
from wiki.moderation.models import JournalEntry
from wiki.pages.models import PageRevision
from wiki.privacy import erasure
from wiki.records.models import Record
from wiki.revisions import Revision


def _database_texts(db) -> dict[str, str]:
    """Every table's rows as one lower-case text, by table name."""
    found = {}
    present = set(inspect(db.connection()).get_table_names())
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            continue
        rows = db.execute(select(table)).all()
        found[table.name] = "\n".join(repr(tuple(getattr(v, "desc", v) for v in row)) for row in rows).lower()
    return found


def _traces_in_database(db) -> dict[str, list[str]]:
    texts = _database_texts(db)
    found = {name: [t for t in TRACES if t.lower() in body] for name, body in texts.items()}
    return {name: traces for name, traces in found.items() if traces}


def test_erasure_leaves_no_trace_of_the_person_in_the_database(db, person):
    before = _traces_in_database(db)
    assert {"users", "records", "record_revisions", "page_revisions"} <= set(before)
    result = erasure.erase(db, person.user.id, actor=person.moderator, reason="Demande d’effacement (RGPD)")
    assert result.pseudonym == f"Contributeur effacé n°{person.user.id}" and not result.already
    assert result.records == 1 and result.revisions == 3 and result.imported == 1 and result.tokens == 1
    assert _traces_in_database(db) == {}
    user = db.get(User, person.user.id)
    assert (user.name, user.email, user.is_active, user.role) == (result.pseudonym, None, False, "visitor")
    assert user.erased_at is not None and user.password_hash == "!"
    assert accounts.find_user(db, NAME) is None and accounts.find_user(db, result.pseudonym) is user
    # What she wrote stays hers, under the pseudonym; the imported twin signature too.
    assert db.get(PageRevision, person.page.current_revision_id).author_id == user.id
    assert db.get(PageRevision, person.imported.current_revision_id).imported_author == result.pseudonym
    # Values that are not personal stay, in the record and its history; the moderator's personal value stays.
    record = db.get(Record, person.record.id)
    assert record.data["f_00000003"] == 33.5 - 12.5 and record.title == "Ferme des Saules"
    assert "f_0000000f" not in record.data and "f_00000021" not in record.data and record.data["f_00000022"] is True
    assert db.get(Record, person.kept.id).data["f_0000000f"] == "modo-perso@example.org"
    snapshots = db.scalars(select(Revision.snapshot).where(Revision.kind == "record", Revision.object_id == record.id))
    assert [s["data"].get("f_0000000c") for s in snapshots] == ["https://ferme.example.org"] * 3


def test_the_account_can_no_longer_be_used(db, client, person):
    erasure.erase(db, person.user.id, actor=person.moderator)
    assert db.scalar(select(func.count()).select_from(ApiToken)) == 0
    assert tokens.authenticate_token(db, person.token) is None
    db.rollback()
    refused = client.post("/-/connexion", data={"name": NAME, "password": "motdepasse-solide"})
    assert refused.status_code == 400
    api = client.get("/api/v1/pages", headers={"Authorization": f"Bearer {person.token}"})
    assert api.status_code == 401


def test_a_logged_in_session_ends(db, client, person):
    from tests.exports_support import login

    login(client, NAME)
    assert client.get("/-/compte").status_code == 200
    erasure.erase(db, person.user.id, actor=person.moderator)
    assert client.get("/-/compte").status_code == 302


def test_the_erasure_is_in_the_moderation_log_under_the_pseudonym_only(db, client, person):
    result = erasure.erase(db, person.user.id, actor=person.moderator, reason="Demande de la personne")
    entry = db.scalar(select(JournalEntry).where(JournalEntry.action == "erase"))
    assert (entry.kind, entry.object_id, entry.title, entry.actor_id) == ("user", person.user.id, result.pseudonym,
                                                                          person.moderator.id)  # fmt: skip
    page = client.get("/-/journal").text
    assert result.pseudonym in page and NAME not in page


def test_a_second_erasure_changes_nothing_and_logs_nothing(db, person):
    first = erasure.erase(db, person.user.id, actor=person.moderator)
    state = _database_texts(db)
    again = erasure.erase(db, person.user.id, actor=person.moderator)
    assert again.already and (again.revisions, again.records, again.imported, again.tokens) == (0, 0, 0, 0)
    assert again.pseudonym == first.pseudonym
    assert _database_texts(db) == state
    assert db.scalar(select(func.count()).select_from(JournalEntry).where(JournalEntry.action == "erase")) == 1


def test_erasure_is_all_or_nothing(db, person):
    state = _database_texts(db)

    def fail(sender, **kw):
        raise RuntimeError("disk full")

    signals.account_erased.connect(fail)
    try:
        with pytest.raises(RuntimeError):
            erasure.erase(db, person.user.id, actor=person.moderator)
    finally:
        signals.account_erased.disconnect(fail)
    db.rollback()
    assert _database_texts(db) == state
    assert db.get(User, person.user.id).name == NAME


def test_what_was_written_between_reading_and_writing_is_redacted_too(db, person, monkeypatch):
    """The history is read first; a revision saved before the write phase is caught by the write phase."""
    from wiki.records import services

    real_read = erasure._read

    def read_then_someone_saves(session, user):
        plan = real_read(session, user)
        record = session.get(Record, person.record.id)
        values = {"title": "Ferme des Saules", "courriel_perso": "tardif-77@example.org", "prix": 40}
        services.update_record(session, record, values, actor=person.moderator, policy="account", base_revision=None)
        session.commit()
        return plan

    monkeypatch.setattr(erasure, "_read", read_then_someone_saves)
    result = erasure.erase(db, person.user.id, actor=person.moderator)
    assert result.revisions == 4
    assert "tardif-77" not in str(db.scalars(select(Revision.snapshot).where(Revision.kind == "record")).all())
    assert "f_0000000f" not in db.get(Record, person.record.id).data


def test_the_system_account_and_the_last_admin_are_not_erased(db, person):
    system = accounts.system_account(db)
    admin = make_user(db, "Seule Admin", role="admin")
    db.commit()
    for account in (system, admin):
        with pytest.raises(Forbidden):
            erasure.erase(db, account.id, actor=admin)
    make_user(db, "Autre Admin", role="admin")
    db.commit()
    assert erasure.erase(db, admin.id, actor=system).pseudonym == f"Contributeur effacé n°{admin.id}"


def test_large_histories_are_written_in_batches(db, person, monkeypatch):
    from wiki.records import services

    monkeypatch.setattr(erasure, "BATCH", 2)
    jeanne = db.get(User, person.user.id)
    for n in range(5):
        values = {"title": f"Ferme {n}", "courriel_perso": f"lot-{n}@example.org"}
        services.create_record(db, person.form, values, actor=jeanne, policy="account")
    db.commit()
    result = erasure.erase(db, person.user.id, actor=person.moderator)
    assert result.records == 6
    count = db.execute(text("SELECT count(*) FROM record_revisions WHERE CAST(snapshot AS TEXT) LIKE '%lot-%'"))
    assert count.scalar() == 0
    assert EMAIL not in str(_database_texts(db)) and PERSONAL_EMAIL not in str(_database_texts(db))
    assert CONSENTED.lower() not in str(_database_texts(db))
