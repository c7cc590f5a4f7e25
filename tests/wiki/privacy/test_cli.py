"""``lieudit privacy erase NAME`` and ``lieudit privacy purge``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from tests.wiki.privacy.conftest import NAME
from wiki.auth import services as accounts
from wiki.auth.models import User
from wiki.db import utcnow
from wiki.moderation import iplog
from wiki.moderation.models import JournalEntry
from wiki.moderation.spam_models import IpLogEntry

pytestmark = pytest.mark.sqlite_only  # the command line over the erasure service test_erasure runs on both


def _name(db, user_id: int) -> str:
    """The account's name as stored now, read in a transaction ended at once (the command needs the write lock)."""
    db.expire_all()
    name = db.get(User, user_id).name
    db.rollback()
    return name


def test_erase_asks_for_confirmation_then_erases(runner, db, person):
    refused = runner.invoke(args=["privacy", "erase", NAME], input="n\n")
    assert refused.exit_code == 1 and "Erase account 'Jeanne Testelin'?" in refused.output
    assert _name(db, person.user.id) == NAME
    done = runner.invoke(args=["privacy", "erase", NAME], input="y\n")
    assert done.exit_code == 0, done.output
    pseudonym = f"Contributeur effacé n°{person.user.id}"
    assert f"Account erased: now '{pseudonym}'" in done.output and "1 record(s)" in done.output
    assert _name(db, person.user.id) == pseudonym
    entry = db.scalar(select(JournalEntry).where(JournalEntry.action == "erase"))
    assert entry.actor_id == accounts.find_user(db, accounts.SYSTEM_ACCOUNT).id and entry.title == pseudonym


def test_erase_with_yes_is_idempotent_by_pseudonym_and_says_who_is_unknown(runner, db, person):
    assert runner.invoke(args=["privacy", "erase", NAME, "--yes", "--reason", "Demande RGPD"]).exit_code == 0
    pseudonym = f"Contributeur effacé n°{person.user.id}"
    again = runner.invoke(args=["privacy", "erase", pseudonym, "--yes"])
    assert again.exit_code == 0 and "already erased: nothing left to change" in again.output
    unknown = runner.invoke(args=["privacy", "erase", NAME, "--yes"])
    assert unknown.exit_code == 1 and "No account named 'Jeanne Testelin'" in unknown.output
    assert db.scalar(select(func.count()).select_from(JournalEntry)) == 1
    assert db.scalar(select(JournalEntry.reason)) == "Demande RGPD"


def test_erase_refuses_the_system_account(runner, db):
    accounts.system_account(db)
    db.commit()
    result = runner.invoke(args=["privacy", "erase", accounts.SYSTEM_ACCOUNT, "--yes"])
    assert result.exit_code == 1 and "n'est pas une personne" in result.output


def test_help_is_french_in_the_source(runner):
    """The catalog gives English (``tests/wiki/test_cli.py``); the source speaks French like every command."""
    result = runner.invoke(args=["privacy", "erase", "--help"])
    assert "Effacer le compte NAME (RGPD)" in result.output and "--yes" in result.output


def test_purge_deletes_the_ip_log_past_its_retention(make_app, db):
    app = make_app(IP_RETENTION_DAYS=10)
    session = type(db)(bind=db.get_bind())
    iplog.record(session, ip="192.0.2.7", action="page:edit")
    iplog.record(session, ip="192.0.2.8", action="page:edit")
    session.flush()
    old = session.scalars(select(IpLogEntry)).first()
    old.created_at = utcnow() - timedelta(days=11)
    session.commit()
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.exit_code == 0 and "1 IP log row(s) older than 10 day(s) deleted." in result.output
    assert [row.ip for row in session.scalars(select(IpLogEntry))] == ["192.0.2.8"]
    session.close()
