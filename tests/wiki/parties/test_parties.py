"""Wiki-parties: open one, join it by code, contribute as a guest, the board, the report, the end of access."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from tests.factories import PASSWORD
from tests.factories import make_user
from tests.wiki.parties.conftest import guard
from tests.wiki.parties.conftest import join
from tests.wiki.parties.conftest import open_now
from wiki.auth.models import LoginSession
from wiki.auth.models import User
from wiki.db import utcnow
from wiki.moderation.models import WaitingItem
from wiki.parties import services
from wiki.parties.models import Party
from wiki.parties.models import PartyGuest

pytestmark = pytest.mark.sqlite_only  # screens and flows over plain reads and writes


def _add_place(client, title, where="47.652, -2.085"):
    html = client.get("/annuaire/lieu/nouvelle").text
    return client.post("/annuaire/lieu/nouvelle", data={"title": title, "localisation": where, "_guard": guard(html)})


def test_codes_are_short_and_unambiguous_and_goals_read_counts(db, organiser):
    party = open_now(db, organiser)
    assert len(party.code) == 6 and not set(party.code) & set("0OQ1IL25SZ8B6G")
    assert services.normalise_code(" " + party.code[:3].lower() + "-" + party.code[3:]) == party.code
    assert services.parse_goal("ajouter 10 lieux") == ("lieu", 10)
    assert services.parse_goal("créer 3 nouvelles pages") == ("page", 3)
    assert services.parse_goal("compléter l’agenda de janvier") == ("", 0)
    assert [(g.label, g.count_of, g.target) for g in party.goals] == [
        ("créer la fiche de la médiathèque", "", 0),
        ("ajouter 2 lieux", "lieu", 2),
    ]


def test_only_mentors_open_a_party_from_the_form(client, db, organiser):
    make_user(db, "Camille")
    db.commit()
    client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    assert client.get("/-/ateliers").status_code == 403
    client.post("/-/deconnexion")
    client.post("/-/connexion", data={"name": "Mentor", "password": PASSWORD})
    form = {"title": "Atelier de janvier", "day": "2027-01-16", "start": "14:00", "end": "13:00", "goals": ""}
    refused = client.post("/-/ateliers", data=form)
    assert (
        refused.status_code == 400
        and "finir après son début" in refused.text
        and 'value="Atelier de janvier"' in refused.text
    )
    form["end"] = "17:30"
    done = client.post("/-/ateliers", data=form | {"goals": "ajouter 10 lieux\ncompléter l’agenda de janvier"})
    assert done.status_code == 302
    party = db.scalars(select(Party)).one()
    page = client.get(done.location)
    assert "Atelier de janvier" in page.text and services.display_code(party.code) in page.text
    assert f"/-/atelier/{party.code}/qr.svg" in page.text and page.headers["Cache-Control"] == "no-store"
    qr = client.get(f"/-/atelier/{party.code}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and "<svg" in qr.text and "Rejoindre" in qr.text


def test_a_guest_joins_by_code_adds_a_place_and_the_board_shows_it(client, db, organiser):
    party = open_now(db, organiser, goals="ajouter 1 lieu\ncréer la fiche de la médiathèque")
    code = party.code
    typed = client.post("/-/atelier", data={"code": code[:3].lower() + " " + code[3:]})
    assert typed.status_code == 302 and typed.location.endswith(f"/-/atelier/{code}/rejoindre")
    assert client.post("/-/atelier", data={"code": "XXXXXX"}).status_code == 404
    joined = join(client, code, "Soizic")
    assert joined.status_code == 302
    guest = db.scalars(select(PartyGuest)).one()
    user = db.get(User, guest.user_id)
    assert user.email is None and user.role == "contributor" and user.name == f"Soizic - atelier {code}"
    db.rollback()  # end the test's read before the guest writes
    home = client.get(f"/-/atelier/{code}")
    assert "Ajouter un lieu" in home.text and "commune=35236" in home.text
    assert client.get(f"/-/atelier/{code}/rejoindre").location.endswith(f"/-/atelier/{code}")

    assert _add_place(client, "Médiathèque de Redon").status_code == 302
    board = client.get(f"/-/atelier/{code}/tableau")
    assert board.status_code == 200 and board.headers["Cache-Control"] == "no-store"
    assert '<noscript><meta http-equiv="refresh"' in board.text and "party-board.js" in board.text
    assert "Soizic" in board.text and "Médiathèque de Redon" in board.text
    assert 'class="map-dot"' in board.text
    assert "1 / 1" in board.text and "goal-done" in board.text  # « ajouter 1 lieu » ticked by itself


def test_a_second_guest_may_not_take_a_pseudonym_already_in_use(app, db, organiser):
    party = open_now(db, organiser)
    code = party.code
    first, second = app.test_client(), app.test_client()
    assert join(first, code, "Élodie").status_code == 302
    again = join(second, code, "elodie")
    assert again.status_code == 400 and "déjà pris ce pseudonyme" in again.text and 'value="elodie"' in again.text


def test_guest_access_ends_with_the_party(client, db, organiser, runner):
    party = open_now(db, organiser)
    code = party.code
    join(client, code, "Maëlle")
    user_id = db.scalars(select(PartyGuest.user_id)).one()
    db.rollback()
    assert client.get("/-/compte").status_code == 200
    party.ends_at = utcnow() - timedelta(minutes=1)
    db.commit()
    after = client.get("/-/compte", follow_redirects=True)
    assert "est terminé" in after.text
    assert db.scalar(select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user_id)) == 0
    db.rollback()
    assert client.get("/-/compte").status_code == 302  # logged out: back to the login page
    late = client.post(f"/-/atelier/{code}/rejoindre", data={"pseudonym": "Retard"})
    assert late.status_code == 400 and "n’accueille pas de participants" in late.text
    result = runner.invoke(args=["atelier", "cloturer"])
    assert result.exit_code == 0 and "1 atelier(s) clôturé(s)" in result.output


def test_the_report_lists_participants_creations_places_and_goals(app, db, organiser):
    party = open_now(db, organiser, goals="ajouter 2 lieux\ncréer la fiche de la médiathèque")
    code = party.code
    alice, bob = app.test_client(), app.test_client()
    join(alice, code, "Alice")
    join(bob, code, "Bob")
    _add_place(alice, "Lavoir de Rieux", "47.6052, -2.1294")
    _add_place(bob, "Gare de Redon")
    html = bob.get("/-/nouvelle-page?title=Les+lavoirs").text
    edit = bob.get("/pages/les-lavoirs/edit").text
    saved = bob.post("/pages/les-lavoirs/edit", data={"title": "Les lavoirs", "body": "Le lavoir.\n", "action": "save",
                                                       "_guard": guard(edit)})  # fmt: skip
    assert saved.status_code == 302, html
    report = app.test_client().get(f"/-/atelier/{code}/bilan")
    assert report.status_code == 200
    text = report.text
    assert "Alice, Bob" in text and "Lavoir de Rieux" in text and "Gare de Redon" in text and "Les lavoirs" in text
    assert "@media print" not in text and "parties.css" in text
    data = app.test_client().get(f"/-/atelier/{code}/bilan.csv")
    assert data.mimetype == "text/csv" and "attachment" in data.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(data.text.lstrip("\ufeff"))))
    assert rows[0] == ["rubrique", "intitule", "participant", "date", "adresse"]
    kinds = {(r[0], r[1]) for r in rows[1:]}
    assert {("participant", "Alice"), ("participant", "Bob"), ("page creee", "Les lavoirs")} <= kinds
    assert {("fiche creee", "Lavoir de Rieux"), ("lieu ajoute", "Gare de Redon")} <= kinds
    assert ("objectif atteint", "ajouter 2 lieux") in kinds
    assert ("objectif restant", "créer la fiche de la médiathèque") in kinds


def test_a_mentor_ticks_a_goal_by_hand(client, db, organiser):
    party = open_now(db, organiser, goals="compléter l’agenda de janvier")
    code = party.code
    goal, code = party.goals[0], party.code
    client.post("/-/connexion", data={"name": "Mentor", "password": PASSWORD})
    goal_id = goal.id
    assert client.post(f"/-/atelier/{code}/objectifs/{goal_id}", data={"done": "1"}).status_code == 302
    db.expire_all()
    assert db.get(type(goal), goal_id).done_at is not None
    db.rollback()  # end the test's read: the next post writes
    assert "goal-done" in client.get(f"/-/atelier/{code}/tableau").text
    anonymous = client.application.test_client()
    assert anonymous.post(f"/-/atelier/{code}/objectifs/{goal_id}", data={"done": "0"}).status_code == 403


def test_premoderated_party_edits_wait_in_the_queue_tagged_with_the_party(make_app):
    from wiki.db import Database

    app = make_app(EDIT_POLICY="premoderated")
    with app.app_context():
        db = Database.new_session(app)
        organiser = make_user(db, "Mentor", role="moderator")
        from wiki.records.seeding import seed_builtin

        seed_builtin(db, organiser)
        db.commit()
        party = open_now(db, organiser)
        code = party.code
        guest = app.test_client()
        join(guest, code, "Yann")
        assert _add_place(guest, "Tiers-lieu de Guémené").status_code == 302
        edit = guest.get("/pages/chemins-creux/edit").text
        guest.post("/pages/chemins-creux/edit", data={"title": "Chemins creux", "body": "Texte.\n", "action": "save",
                                                       "_guard": guard(edit)})  # fmt: skip
        waiting = db.scalars(select(WaitingItem).order_by(WaitingItem.id)).all()
        assert [w.origin for w in waiting] == ["party", "party"]
        ids = services.guest_ids(db, party)
        assert {w.author_id for w in waiting} == set(ids)
        db.rollback()
        board = app.test_client().get(f"/-/atelier/{code}/tableau").text
        assert "2 contributions attendent la relecture des mentors." in board
        assert "Tiers-lieu de Guémené" not in board  # not public yet
        mentor = app.test_client()
        mentor.post("/-/connexion", data={"name": "Mentor", "password": PASSWORD})
        queue = mentor.get("/-/moderation").text
        assert queue.count(f"Yann - atelier {code}") >= 2  # the mentors' queue names the party in each author
        show = mentor.get(f"/-/atelier/{code}").text
        assert f"/-/moderation/annulation-en-masse?auteur=Yann+-+atelier+{code}&amp;depuis=" in show
        db.close()


def test_the_event_stream_polls_briefly_and_ends(make_app):
    app = make_app(PARTY_STREAM_SECONDS=0.3, PARTY_STREAM_POLL_SECONDS=0.1)
    from wiki.db import Database

    with app.app_context():
        db = Database.new_session(app)
        organiser = make_user(db, "Mentor", role="moderator")
        db.commit()
        party = open_now(db, organiser)
        code = party.code
        db.close()
    answer = app.test_client().get(f"/-/atelier/{code}/flux")
    assert answer.mimetype == "text/event-stream"
    body = answer.get_data(as_text=True)
    assert body.startswith("retry: 100") and body.count("event: change") == 1
    stamp = body.split("data: ")[1].split("\n")[0]
    again = app.test_client().get(f"/-/atelier/{code}/flux", headers={"Last-Event-ID": stamp})
    assert "event: change" not in again.get_data(as_text=True)


def test_by_default_the_stream_answers_at_once_and_holds_no_worker(client, db, organiser):
    import time

    code = open_now(db, organiser).code
    started = time.monotonic()
    body = client.get(f"/-/atelier/{code}/flux").get_data(as_text=True)
    assert time.monotonic() - started < 2
    assert body.startswith("retry: 4000") and body.count("event: change") == 1


def test_the_party_page_leads_mentors_to_the_rollback_of_the_whole_party(app, db, organiser):
    import html as markup

    code = open_now(db, organiser).code
    guest = app.test_client()
    join(guest, code, "Erwan")
    assert _add_place(guest, "Faux lieu").status_code == 302
    mentor = app.test_client()
    mentor.post("/-/connexion", data={"name": "Mentor", "password": PASSWORD})
    page = mentor.get(f"/-/atelier/{code}").text
    link = markup.unescape(page.split('href="/-/moderation/annulation-en-masse?')[1].split('"')[0])
    preview = mentor.get("/-/moderation/annulation-en-masse?" + link)
    assert preview.status_code == 200 and "Faux lieu" in preview.text and "suppression (restaurable)" in preview.text


def test_an_account_that_is_no_guest_is_asked_once_and_a_guest_every_time(app, client, db, organiser, auth):
    from tests.support.statements import statements_with
    from wiki.db import Database

    with app.app_context():
        engine = Database.engine()
    with statements_with(engine, "JOIN party_guests") as asked:
        auth.login("Mentor", PASSWORD)
        asked.clear()
        client.get("/-/compte")
        client.get("/-/compte")
        assert len(asked) == 1  # no longer asked once this worker knows the account is no guest
        auth.logout()
        party = open_now(db, organiser)
        join(client, party.code, "Maëlle")
        asked.clear()
        client.get("/-/compte")
        client.get("/-/compte")
        assert len(asked) == 2  # a guest's party is read on each request: its end is seen at once
