"""E-mail digests of watches through a real SMTP server, and the one-click unsubscribe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import make_page
from tests.factories import make_user
from tests.support.smtp import body_of
from wiki.activity import digests
from wiki.activity import watches
from wiki.activity.watch_models import DigestState
from wiki.db import utcnow
from wiki.mail import delivery
from wiki.pages import services as pages


@pytest.fixture
def mail_app(make_app, smtp_server):
    return make_app(**smtp_server.settings())


def _scene(db):
    camille = make_user(db, "Camille", email="camille@example.org")
    alix = make_user(db, "Alix")
    page = make_page(db, "Marché", "Le samedi.\n", actor=alix)
    make_page(db, "Autre page", "Rien.\n", actor=alix)
    watches.follow(db, camille, watches.Target(page_id=page.id))
    db.commit()
    return camille, alix, page


def _edit(db, page, actor, body):
    pages.save_page(
        db,
        page,
        body=body,
        comment="horaires",
        actor=actor,
        base_revision_id=page.current_revision_id,
        policy="account",
    )
    db.commit()


def test_a_digest_lists_the_watched_changes_and_unsubscribes_in_one_click(mail_app, db, smtp_server):
    camille, alix, page = _scene(db)
    _edit(db, page, alix, "Le samedi matin.\n")
    result = mail_app.test_cli_runner().invoke(args=["digests", "send"])
    assert result.exit_code == 0, result.output
    assert "1 résumé(s) envoyé(s)" in result.output
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "camille@example.org"
    assert "nouveautés de la semaine" in message["Subject"]
    text = body_of(message)
    assert "Marché — horaires" in text and "http://wiki.test/pages/marche/diff" in text
    assert "Autre page" not in text
    link = message["List-Unsubscribe"].strip().strip("<>")
    assert link.startswith("http://wiki.test/-/suivis/desabonner/") and link in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Not due again before a week, and nothing new to say anyway.
    assert "0 résumé(s) envoyé(s)" in mail_app.test_cli_runner().invoke(args=["digests", "send"]).output
    # One click: the RFC 8058 POST, from the mail provider, without login nor CSRF token.
    client = mail_app.test_client()
    path = link.removeprefix("http://wiki.test")
    assert "Me désabonner" in client.get(path).text
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "vous ne recevrez plus" in response.text
    db.expire_all()
    assert db.scalar(select(DigestState.frequency).where(DigestState.user_id == camille.id)) == "none"
    db.commit()


def test_digests_are_due_daily_or_weekly_and_skip_empty_ones(mail_app, db, smtp_server):
    camille, alix, page = _scene(db)
    watches.set_frequency(db, camille.id, "daily")
    db.commit()
    now = utcnow()
    with mail_app.test_request_context("/"):
        run = lambda at: digests.send_digests(  # noqa: E731
            db,
            secret="s",
            link=lambda item: "http://wiki.test/x",
            unsubscribe_url=lambda t: f"http://wiki.test/{t}",
            now=at,
        )
        first = run(now)
        assert (first.sent, first.empty) == (0, 1)  # nothing new yet
        _edit(db, page, alix, "Le samedi matin.\n")
        assert run(now + timedelta(hours=2)).sent == 0  # a daily digest waits a day
        assert run(now + timedelta(days=1)).sent == 1
    smtp_server.wait_for(1)
    delivery.wait_for_sender(mail_app)


def test_forged_unsubscribe_links_are_refused(mail_app, db):
    camille, _, _ = _scene(db)
    client = mail_app.test_client()
    good = digests.unsubscribe_token(mail_app.config["SECRET_KEY"], camille.id)
    forged = digests.unsubscribe_token("another secret", camille.id)
    assert client.get(f"/-/suivis/desabonner/{forged}").status_code == 404
    assert client.post(f"/-/suivis/desabonner/{good[:-2]}xx").status_code == 404
    assert client.get(f"/-/suivis/desabonner/{good}").status_code == 200


def test_no_mail_server_no_digest(app):
    result = app.test_cli_runner().invoke(args=["digests", "send"])
    assert result.exit_code != 0 and "MAIL_SERVER" in result.output
