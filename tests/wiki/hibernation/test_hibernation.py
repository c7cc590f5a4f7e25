"""Hibernation: a wiki asleep is read-only, says so on every page, refuses writes kindly, and wakes up."""

from __future__ import annotations

import pytest

from tests.factories import make_page
from tests.factories import make_user
from wiki.auth import tokens
from wiki.db import Database
from wiki.db import read_content_version
from wiki.hibernation import services

pytestmark = pytest.mark.sqlite_only  # the HTTP surface over one plain row; the switch's SQL is the core's

BANNER = "Ce wiki est en sommeil"


def _setup(app):
    with app.app_context():
        db = Database.new_session()
        make_user(db, "Admin", role="admin")
        make_user(db, "Modo", role="moderator")
        camille = make_user(db, "Camille", role="contributor")
        make_page(db, "Marché du samedi", "Le marché.\n", policy="open")
        secret = tokens.create_token(db, camille, "t").secret
        db.commit()
        db.close()
    return secret


def _sleep(app, asleep=True):
    with app.app_context():
        db = Database.new_session()
        services.set_hibernation(db, asleep)
        db.commit()
        db.close()


def test_an_admin_puts_the_wiki_to_sleep_and_wakes_it_from_the_admin_screen(app, client, auth):
    _setup(app)
    assert BANNER not in client.get("/pages/marche-du-samedi").text  # kept by the response cache, now
    auth.login("Admin")
    screen = client.get("/-/sommeil")
    assert screen.status_code == 200 and "Mettre le wiki en sommeil" in screen.text
    assert client.post("/-/sommeil", data={"asleep": "on"}).status_code == 302
    anonymous = app.test_client()
    page = anonymous.get("/pages/marche-du-samedi")
    assert BANNER in page.text  # the kept answer did not outlive the switch
    assert ">Modifier<" not in page.text  # no edit link while asleep
    assert "Réveiller le wiki" in client.get("/-/sommeil").text
    client.post("/-/sommeil", data={"asleep": "off"})
    assert BANNER not in anonymous.get("/pages/marche-du-samedi").text


@pytest.mark.parametrize("name", [None, "Camille", "Modo"])
def test_only_admins_switch_it(app, client, auth, name):
    _setup(app)
    if name:
        auth.login(name)
    assert client.get("/-/sommeil").status_code == 403
    assert client.post("/-/sommeil", data={"asleep": "on"}).status_code in (403, 503)
    with app.app_context():
        assert not services.is_hibernating(Database.new_session())


def test_a_write_while_asleep_is_refused_with_the_text_kept(app, client, auth):
    _setup(app)
    auth.login("Camille")
    _sleep(app)
    body = "## Horaires\n\nDe 8 h à 13 h, un texte que je ne veux pas perdre.\n"
    response = client.post("/pages/marche-du-samedi/edit", data={"body": body, "comment": "horaires"})
    assert response.status_code == 503
    assert "en sommeil" in response.text and "Rien n’a été enregistré" in response.text
    assert "un texte que je ne veux pas perdre" in response.text
    assert client.get("/pages/marche-du-samedi/edit").status_code == 503  # the editor is not even offered
    assert "un texte que je ne veux pas perdre" not in client.get("/pages/marche-du-samedi").text


def test_the_api_answers_503_with_json(app, client):
    secret = _setup(app)
    _sleep(app)
    response = client.put(
        "/api/v1/pages/marche-du-samedi", json={"body": "x"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 503
    assert response.json["error"] == "hibernating"
    assert client.get("/api/v1/pages/marche-du-samedi").status_code == 200  # reading goes on


def test_moderators_and_admins_still_log_in_and_admins_still_write(app, client, auth):
    _setup(app)
    _sleep(app)
    assert auth.login("Modo").status_code == 302
    assert BANNER in client.get("/").text
    auth.logout()
    auth.login("Admin")
    response = client.post("/pages/marche-du-samedi/edit", data={"body": "Le marché, relu.\n", "comment": "relu"})
    assert response.status_code != 503


def test_no_passwords_are_shown_back(app, client):
    _setup(app)
    _sleep(app)
    response = client.post("/-/inscription", data={"name": "Nouveau", "password": "secret-123456", "password2": "x"})
    assert response.status_code == 503
    assert "secret-123456" not in response.text


def test_the_switch_is_in_the_database_and_moves_the_content_version(app):
    with app.app_context():
        db = Database.new_session()
        before = read_content_version(Database.engine())
        assert services.set_hibernation(db, True) is True
        db.commit()
        assert read_content_version(Database.engine()) > before
        assert services.set_hibernation(db, True) is False  # already asleep
        db.close()
        other = Database.new_read_session()  # another worker reads the same switch
        assert services.is_hibernating(other)
        other.close()


def test_the_cli_switches_it(app, runner):
    assert "éveillé" in runner.invoke(args=["hibernate", "status"]).output
    result = runner.invoke(args=["hibernate", "on"])
    assert result.exit_code == 0 and "sommeil" in result.output
    assert "en sommeil" in runner.invoke(args=["hibernate", "status"]).output
    assert "réveillé" in runner.invoke(args=["hibernate", "off"]).output


def test_records_lose_their_edit_links_while_asleep(app, client, auth):
    from wiki.demo import seed
    from wiki.records import form_services
    from wiki.records import services as records

    _setup(app)
    with app.app_context():
        db = Database.new_session()
        seed(db)
        admin = make_user(db, "Gardienne", role="admin")
        place = records.create_record(db, form_services.get_form(db, "lieu"), {"title": "Lavoir"}, actor=admin,
                                      policy="account")  # fmt: skip
        db.commit()
        record_id = place.id
        db.close()
    auth.login("Camille")
    assert f"/fiches/{record_id}/modifier" in client.get(f"/fiches/{record_id}").text
    _sleep(app)
    assert f"/fiches/{record_id}/modifier" not in client.get(f"/fiches/{record_id}").text
    assert client.post(f"/fiches/{record_id}/modifier", data={"title": "Lavoir du bourg"}).status_code == 503


def test_a_worker_reads_the_switch_again_only_after_content_changed(app, client):
    from tests.support.statements import statements_with

    _setup(app)
    with app.app_context():
        engine = Database.engine()
    with statements_with(engine, "FROM site_switches") as reads:
        client.get("/-/connexion")
        client.get("/-/connexion")
        assert len(reads) == 1  # the second request found the switch under the same content version
        _sleep(app)  # as another worker or node would: only the database knows
        reads.clear()
        assert BANNER in client.get("/-/connexion").text
        assert len(reads) == 1
        _sleep(app, False)
        assert BANNER not in client.get("/-/connexion").text
