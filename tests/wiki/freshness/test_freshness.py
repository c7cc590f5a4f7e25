"""Freshness campaigns: the stale-records list and its CSV, campaign links that confirm or correct a record."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from itsdangerous import TimestampSigner
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from importers.zones import import_zones
from tests.factories import make_user
from tests.support.smtp import body_of
from tests.wiki.activity.test_patrol import redon_area_features
from wiki.db import utcnow
from wiki.freshness import services as freshness
from wiki.mail import delivery
from wiki.moderation.models import WaitingItem
from wiki.records import form_services
from wiki.records import services as records
from wiki.records import taxonomy
from wiki.records.models import Record

FIELDS = [
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_00000002", "key": "lieu", "type": "geometry", "label": "Lieu"},
    {"id": "f_00000003", "key": "theme", "type": "theme", "label": "Thème"},
    {"id": "f_00000004", "key": "courriel", "type": "email", "label": "Courriel"},
    {"id": "f_00000005", "key": "horaires", "type": "text", "label": "Horaires"},
    {"id": "f_00000006", "key": "accord", "type": "boolean", "label": "Accord de publication"},
    {"id": "f_00000007", "key": "referent", "type": "email", "label": "Référent", "personal": True,
     "consent_field": "accord"},
    {"id": "f_00000008", "key": "note", "type": "text", "label": "Note interne", "visibility": "private"},
]  # fmt: skip
REDON = {"type": "Point", "coordinates": [-2.0857, 47.6517]}
ELSEWHERE = {"type": "Point", "coordinates": [-1.6778, 48.1173]}


def AGO(months: int) -> date:  # noqa: N802 - reads as a constant in the scene
    return freshness.months_ago(utcnow().date(), months)


@pytest.fixture
def mail_app(make_app, smtp_server):
    return make_app(**smtp_server.settings())


@pytest.fixture
def scene(db):
    alix, modo = make_user(db, "Alix"), make_user(db, "Modo", role="moderator")
    import_zones(db, redon_area_features(), level="commune", code_field="code", name_field="nom")
    taxonomy.save_theme(db, key="mobilite", label="Mobilité", actor=modo)
    form = form_services.create_form(db, key="lieux", title="Lieux", fields=FIELDS, actor=modo)

    def add(title, when, **values):
        record = records.create_record(db, form, {"title": title, **values}, actor=alix, policy="account")
        record.verified_at = when
        return record

    add("Gare de Redon", AGO(60), lieu=REDON, theme="mobilite", courriel="gare@example.org",
        horaires="9h-18h", note="Code 1234")  # fmt: skip
    add("Garage solidaire", AGO(50), lieu=REDON, referent="perso@example.org", accord=False)
    add("Atelier vélo", AGO(80), lieu=ELSEWHERE, theme="mobilite", referent="velo@example.org", accord=True)
    add("Café récent", utcnow().date(), lieu=REDON, courriel="cafe@example.org")
    db.commit()
    return {"alix": alix, "modo": modo}


def titles(html: str) -> list[str]:
    return re.findall(r'<td><a href="/fiches/\d+"><bdi>([^<]+)</bdi>', html)


def test_the_stale_list_filters_sorts_and_exports_for_moderators(client, auth, scene):
    auth.login("Alix")
    assert client.get("/-/fraicheur").status_code == 403
    auth.logout()
    auth.login("Modo")
    html = client.get("/-/fraicheur").text
    assert titles(html) == ["Atelier vélo", "Gare de Redon", "Garage solidaire"]  # oldest check first
    assert titles(client.get("/-/fraicheur?tri=title").text) == ["Atelier vélo", "Garage solidaire", "Gare de Redon"]
    assert titles(client.get("/-/fraicheur?zone=35236").text) == ["Gare de Redon", "Garage solidaire"]
    assert titles(client.get("/-/fraicheur?theme=mobilite&zone=35236").text) == ["Gare de Redon"]
    assert titles(client.get("/-/fraicheur?formulaire=autre").text) == []
    assert titles(client.get("/-/fraicheur?mois=70").text) == ["Atelier vélo"]
    response = client.get("/-/fraicheur.csv?zone=35236")
    assert response.mimetype == "text/csv"
    lines = response.text.splitlines()
    assert lines[0] == "id,titre,formulaire,verifiee_le,contact_public,adresse"
    assert lines[1].split(",")[1:5] == ["Gare de Redon", "Lieux", AGO(60).isoformat(), "oui"]
    assert lines[2].split(",")[4] == "non"  # a personal address without consent is no contact
    assert "perso@example.org" not in response.text


def test_a_record_past_the_threshold_shows_a_verification_notice(client, db, scene):
    stale = db.scalar(select(Record.id).where(Record.title == "Gare de Redon"))
    fresh = db.scalar(select(Record.id).where(Record.title == "Café récent"))
    db.commit()
    page = client.get(f"/fiches/{stale}").text
    assert f"Vérifiée le {AGO(60).strftime('%d/%m/%Y')}." in page and "À vérifier" in page
    assert "À vérifier" not in client.get(f"/fiches/{fresh}").text


def _campaign(mail_app, smtp_server, count):
    client = mail_app.test_client()
    client.post("/-/connexion", data={"name": "Modo", "password": "motdepasse-solide"})
    page = client.get("/-/fraicheur").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/-/fraicheur/campagne", data={"csrf_token": token}, follow_redirects=True)
    assert "2 courriels envoyés." in response.text and "1 fiche sans adresse publique" in response.text
    messages = smtp_server.wait_for(count)
    delivery.wait_for_sender(mail_app)
    again = client.post("/-/fraicheur/campagne", data={"csrf_token": token}, follow_redirects=True).text
    assert "0 courriel envoyé." in again and "2 fiches déjà sollicitées depuis moins de 30 jours" in again
    delivery.wait_for_sender(mail_app)
    assert len(smtp_server.messages) == count  # nobody is written to twice
    return {m["To"]: re.search(r"http://wiki.test(/-/fraicheur/lien/\S+)", body_of(m)).group(1) for m in messages}


def test_a_campaign_link_confirms_a_record_without_an_account(mail_app, db, scene, smtp_server):
    links = _campaign(mail_app, smtp_server, 2)
    assert set(links) == {"gare@example.org", "velo@example.org"}  # never the unconsented address
    visitor = mail_app.test_client()
    page = visitor.get(links["gare@example.org"])
    assert page.status_code == 200 and "Gare de Redon" in page.text and "9h-18h" in page.text
    assert "Code 1234" not in page.text  # private fields never shown
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    done = visitor.post(links["gare@example.org"], data={"csrf_token": token, "action": "confirm"})
    assert "marquée comme vérifiée" in done.text
    db.expire_all()
    record = db.scalar(select(Record).where(Record.title == "Gare de Redon"))
    assert record.verified_at == utcnow().date()
    db.commit()
    assert [row.record.title for row in freshness.stale_records(db, months=12)] == ["Atelier vélo", "Garage solidaire"]
    db.commit()


def test_a_campaign_link_corrects_a_record_through_the_queue(mail_app, db, scene, smtp_server):
    links = _campaign(mail_app, smtp_server, 2)
    visitor = mail_app.test_client()
    page = visitor.get(links["gare@example.org"]).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = visitor.post(
        links["gare@example.org"],
        data={"csrf_token": token, "action": "correct", "title": "Gare de Redon", "horaires": "8h-20h"},
    )
    assert done.status_code == 200 and "attend la relecture" in done.text
    db.expire_all()
    record = db.scalar(select(Record).where(Record.title == "Gare de Redon"))
    waiting = db.scalar(select(WaitingItem).where(WaitingItem.object_id == record.id))
    assert record.data["f_00000005"] == "9h-18h"  # published values unchanged until a moderator accepts
    assert waiting is not None and waiting.payload["data"] == {"f_00000005": "8h-20h"}
    db.commit()


def test_forged_and_expired_links_are_refused(app, client, db, scene):
    record_id = db.scalar(select(Record.id).where(Record.title == "Gare de Redon"))
    db.commit()
    secret = app.config["SECRET_KEY"]
    assert client.get(f"/-/fraicheur/lien/{freshness.make_token(secret, record_id)}").status_code == 200
    assert client.get(f"/-/fraicheur/lien/{freshness.make_token('autre secret', record_id)}").status_code == 404

    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 31 * 86400

    old = URLSafeTimedSerializer(secret, salt="lieudit.freshness", signer=LongAgo).dumps(record_id)
    response = client.get(f"/-/fraicheur/lien/{old}")
    assert response.status_code == 404 and "expiré" in response.text
    assert client.post(f"/-/fraicheur/lien/{old}", data={"action": "confirm"}).status_code in (400, 404)
