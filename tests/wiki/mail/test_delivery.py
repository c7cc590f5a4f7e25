"""Sending the outbox: claims that no two senders share, retries with back-off, giving up, purging, commands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.nodes import free_port
from tests.support.smtp import SMTPServer
from wiki.db import utcnow
from wiki.mail import delivery
from wiki.mail.models import OutgoingMail


def _queue(db, to="camille@example.org", **kw) -> OutgoingMail:
    mail = OutgoingMail(recipient=to, subject="[Lieudit] Essai", body="Bonjour", **kw)
    db.add(mail)
    db.commit()
    return mail


def _reload(db, mail: OutgoingMail) -> OutgoingMail:
    db.expire_all()
    found = db.get(OutgoingMail, mail.id)
    db.commit()  # end the read: the sender's next transaction needs the write lock
    return found


def test_a_claimed_message_is_not_claimed_again(app, db):
    _queue(db)
    other = delivery.Database.new_session(app)
    try:
        assert len(delivery._claim(db, utcnow())) == 1
        db.commit()
        assert delivery._claim(other, utcnow()) == []  # leased by the first sender
        other.commit()
        assert len(delivery._claim(other, utcnow() + delivery.LEASE + timedelta(seconds=1))) == 1
        other.commit()
    finally:
        other.close()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_senders_of_two_nodes_claim_different_messages_without_waiting(make_app):
    """While one sender's claim is not committed, another skips its rows (no lock wait) and takes the rest."""
    app = make_app(PG_LOCK_TIMEOUT_MS=1000)  # waiting for the first sender's rows would fail after a second
    first, second, writer = (delivery.Database.new_session(app) for _ in range(3))
    try:
        early = _queue(writer, to="a@example.org")
        assert delivery._claim(first, utcnow()) == [early.id]  # not committed: its rows stay locked
        late = _queue(writer, to="b@example.org")
        assert delivery._claim(second, utcnow()) == [late.id]
        second.commit()
        first.commit()
    finally:
        for session in (first, second, writer):
            session.close()


def test_a_failed_message_is_retried_later_then_sent(make_app, db, smtp_server):
    down = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), BASE_URL="http://wiki.test")
    mail = _queue(db)
    start = utcnow()
    report = delivery.send_pending(down, now=start)
    assert (report.sent, report.failed, report.given_up) == (0, 1, 0)
    failed = _reload(db, mail)
    assert failed.attempts == 1 and failed.last_error and failed.sent_at is None
    assert failed.not_before > start + timedelta(seconds=50)
    up = make_app(**smtp_server.settings())
    assert delivery.send_pending(up, now=start + timedelta(seconds=30)).sent == 0  # not due yet
    assert delivery.send_pending(up, now=start + timedelta(minutes=2)).sent == 1
    assert len(smtp_server.wait_for(1)) == 1
    sent = _reload(db, mail)
    assert sent.sent_at is not None and sent.attempts == 2 and sent.last_error is None


def test_a_message_is_given_up_after_the_last_attempt(make_app, db):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), BASE_URL="http://wiki.test", MAIL_MAX_ATTEMPTS=2)
    mail = _queue(db)
    now = utcnow()
    assert delivery.send_pending(app, now=now).failed == 1
    assert delivery.send_pending(app, now=now + timedelta(minutes=5)).given_up == 1
    gone = _reload(db, mail)
    assert gone.given_up_at is not None and gone.attempts == 2
    assert delivery.send_pending(app, now=now + timedelta(days=1)).errors == []  # never tried again


def test_a_recipient_refused_for_good_is_given_up_at_once(make_app, db, smtp_server):
    app = make_app(**smtp_server.settings())
    refused = _queue(db, to="personne@refused.example")
    accepted = _queue(db)
    report = delivery.send_pending(app)
    assert (report.sent, report.given_up) == (1, 1)
    assert "550" in _reload(db, refused).last_error
    assert _reload(db, accepted).sent_at is not None


def test_sent_messages_are_purged_after_a_week(make_app, db, smtp_server):
    app = make_app(**smtp_server.settings())
    _queue(db, sent_at=utcnow() - timedelta(days=8))
    recent = _queue(db, sent_at=utcnow() - timedelta(days=1)).id
    delivery.send_pending(app)
    assert db.scalars(select(OutgoingMail.id)).all() == [recent]


def test_mail_send_command_sends_what_is_due(make_app, db, smtp_server):
    app = make_app(**smtp_server.settings())
    _queue(db)
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "1 envoyé(s)" in result.output
    assert len(smtp_server.wait_for(1)) == 1


def test_mail_commands_say_when_no_server_is_configured(runner):
    for args in (["mail", "send"], ["mail", "test", "camille@example.org"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1
        assert "n'envoie pas de courriel" in result.output


def test_mail_test_command_sends_a_message(make_app, smtp_server):
    app = make_app(**smtp_server.settings())
    result = app.test_cli_runner().invoke(args=["mail", "test", "camille@example.org"])
    assert result.exit_code == 0, result.output
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "camille@example.org"
    down = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), BASE_URL="http://wiki.test")
    result = down.test_cli_runner().invoke(args=["mail", "test", "camille@example.org"])
    assert result.exit_code == 1 and "n'est pas parti" in result.output


def test_the_wiki_logs_in_when_a_username_is_set(make_app, db):
    with SMTPServer(login=("wiki", "mot de passe smtp")) as server:
        _queue(db)
        wrong = make_app(**server.settings(), MAIL_USERNAME="wiki", MAIL_PASSWORD="faux")
        report = delivery.send_pending(wrong)
        assert report.failed == 1 and "535" in report.errors[0]
        right = make_app(**server.settings(), MAIL_USERNAME="wiki", MAIL_PASSWORD="mot de passe smtp")
        assert delivery.send_pending(right, now=utcnow() + timedelta(minutes=2)).sent == 1
        assert len(server.wait_for(1)) == 1
