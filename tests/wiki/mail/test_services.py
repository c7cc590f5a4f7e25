"""Queueing e-mail: nothing without a server; with one, a message leaves only after its transaction commits."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from tests.support.smtp import body_of
from wiki.mail import delivery
from wiki.mail.models import OutgoingMail
from wiki.mail.services import enqueue
from wiki.mail.services import mail_enabled

pytestmark = pytest.mark.sqlite_only  # plain inserts; the claim's SQL runs on both in test_delivery


def _count(db) -> int:
    return db.scalar(select(func.count()).select_from(OutgoingMail))


def test_without_a_server_nothing_is_queued(app, db):
    assert not mail_enabled(app.config)
    with app.app_context():
        assert enqueue(db, to="camille@example.org", subject="Essai", body="Bonjour") is False
    db.commit()
    assert _count(db) == 0


def test_a_message_leaves_after_commit_with_the_site_name(make_app, db, smtp_server):
    app = make_app(**smtp_server.settings(), SITE_NAME="Wiki du Pays de Redon")
    with app.app_context():
        assert enqueue(db, to="camille@example.org", subject="Votre compte", body="Bonjour Camille,\nC'est fait.")
        db.flush()
        delivery.wait_for_sender(app)
        assert smtp_server.messages == []  # queued, not sent: the transaction is still open
        db.commit()
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "camille@example.org"
    assert message["Subject"] == "[Wiki du Pays de Redon] Votre compte"
    assert "Wiki du Pays de Redon" in message["From"] and "noreply@wiki.test" in message["From"]
    assert message.get_content_type() == "text/plain"
    body = body_of(message)
    assert body.startswith("Bonjour Camille,\nC'est fait.")
    assert "Wiki du Pays de Redon" in body and "http://wiki.test/" in body
    delivery.wait_for_sender(app)
    sent = db.scalar(select(OutgoingMail))
    db.refresh(sent)
    assert sent.sent_at is not None and sent.attempts == 1


def test_a_rolled_back_message_is_never_sent(make_app, db, smtp_server):
    app = make_app(**smtp_server.settings())
    with app.app_context():
        enqueue(db, to="camille@example.org", subject="Essai", body="Bonjour")
        db.rollback()
        enqueue(db, to="dominique@example.org", subject="Deuxième", body="Bonjour")
        db.commit()
    [message] = smtp_server.wait_for(1)
    delivery.wait_for_sender(app)
    assert message["To"] == "dominique@example.org"
    assert len(smtp_server.messages) == 1


def test_subjects_stay_one_line_and_recipients_one_address(make_app, db, smtp_server):
    app = make_app(**smtp_server.settings(), MAIL_SENDER="Équipe <equipe@wiki.test>")
    with app.app_context():
        for bad in ("a@b.org, c@d.org", "a@b.org\r\nBcc: c@d.org", "pas une adresse", "<a@b.org>"):
            with pytest.raises(ValueError):
                enqueue(db, to=bad, subject="x", body="x")
        enqueue(db, to="camille@example.org", subject="Bonjour\r\nBcc: spam@evil.example", body="x")
        db.commit()
    [message] = smtp_server.wait_for(1)
    assert message["Bcc"] is None
    assert message["Subject"] == "[Lieudit] Bonjour Bcc: spam@evil.example"
    assert message["From"] == "Équipe <equipe@wiki.test>"


def test_a_mail_server_needs_the_public_address(make_app):
    with pytest.raises(ValueError, match="BASE_URL"):
        make_app(MAIL_SERVER="127.0.0.1")
    with pytest.raises(ValueError, match="not both"):
        make_app(MAIL_SERVER="127.0.0.1", BASE_URL="https://wiki.test", MAIL_USE_TLS=True, MAIL_USE_SSL=True)
