"""The OpenAPI document describes the API exactly: routes both ways, and real answers."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Flask
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry
from referencing import Resource
from referencing.jsonschema import DRAFT202012

from geodata import zones as geo
from tests.factories import make_page
from tests.factories import make_user
from wiki.api.openapi import build_paths
from wiki.api.openapi import openapi_path
from wiki.auth import tokens
from wiki.demo import seed
from wiki.pages import moderation
from wiki.records import form_services
from wiki.records import services as records

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: the document against the app's routes

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def routes(app):
    """(OpenAPI path, method) of every API route of the app."""
    return {
        (openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - IGNORED_METHODS
    }


def documented(doc):
    return {(path, method) for path, item in doc["paths"].items() for method in item if method != "parameters"}


def test_every_route_is_documented_and_every_documented_route_exists(client):
    doc = client.get("/api/v1/openapi.json").json
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    assert routes(client.application) == documented(doc)


class Contract:
    """Calls the API and checks every answer against the document."""

    def __init__(self, client):
        self.client = client
        self.doc = client.get("/api/v1/openapi.json").json
        resource = Resource.from_contents(self.doc, default_specification=DRAFT202012)
        self.registry = Registry().with_resource("urn:lieudit:openapi", resource)
        self.adapter = client.application.url_map.bind("wiki.test")
        self.seen: set[tuple[str, str]] = set()

    def call(self, method, url, **kwargs):
        response = self.client.open(url, method=method, **kwargs)
        rule, _args = self.adapter.match(urlsplit(url).path, method=method, return_rule=True)
        path = openapi_path(rule.rule)
        operation = self.doc["paths"][path][method.lower()]
        answers = operation["responses"]
        assert str(response.status_code) in answers, (
            method,
            url,
            response.status_code,
            response.get_data(as_text=True)[:300],
        )
        answer = answers[str(response.status_code)]
        if "content" in answer:
            assert response.mimetype == "application/json"
            pointer = answer["content"]["application/json"]["schema"]
            schema = {"$ref": "urn:lieudit:openapi#" + pointer["$ref"][1:]} if "$ref" in pointer else pointer
            errors = sorted(Draft202012Validator(schema, registry=self.registry).iter_errors(response.json), key=str)
            assert not errors, (method, url, [e.message for e in errors[:5]])
        else:
            assert response.get_data() == b""
        for header in answer.get("headers", {}):
            assert header in response.headers, (method, url, header)
        self.seen.add((path, method.lower()))
        return response


@pytest.fixture
def contract(client, db):
    seed(db)
    db.commit()
    return Contract(client)


def test_real_answers_match_the_document(contract, db):
    writer = make_user(db, "Camille")
    moderator = make_user(db, "Modo", role="moderator")
    auth = {"Authorization": "Bearer " + tokens.create_token(db, writer, "t").secret}
    mod = {"Authorization": "Bearer " + tokens.create_token(db, moderator, "t").secret}
    page = make_page(db, "Accueil", 'Bienvenue [[Ailleurs]] {{liste form="initiative"}}\n', actor=writer)
    gone = make_page(db, "Ancienne")
    moderation.delete_page(db, gone, actor=moderator)
    db.commit()
    call = contract.call

    call("GET", "/api/v1/openapi.json")
    call("GET", "/api/v1/pages?limit=1")
    etag = call("GET", "/api/v1/pages/accueil").headers["ETag"]
    assert call("GET", "/api/v1/pages/accueil", headers={"If-None-Match": etag}).status_code == 304
    call("GET", "/api/v1/pages/nulle-part")
    call("GET", "/api/v1/pages/ancienne")
    call("GET", "/api/v1/pages/accueil", headers={"Authorization": "Bearer ldt_faux"})
    call("PUT", "/api/v1/pages/accueil", json={"text": "Nouveau"}, headers=auth)
    call("PUT", "/api/v1/pages/accueil", json={"text": "Nouveau"}, headers=auth | {"If-Match": '"rev-0"'})
    call("PUT", "/api/v1/pages/accueil", json={"text": "Nouveau\n"}, headers=auth | {"If-Match": etag})
    call("PUT", "/api/v1/pages/accueil", json={"text": "x"})
    call("PUT", "/api/v1/pages/creee", json={"text": "Créée\n", "title": "Créée"}, headers=auth)
    call("PUT", "/api/v1/pages/creee-2", json={"texte": "mauvais champ"}, headers=auth)
    call("GET", f"/api/v1/pages/{page.slug}/revisions")
    call("GET", "/api/v1/forms")
    call("GET", "/api/v1/forms/initiative")
    call("GET", "/api/v1/forms/inconnu")

    values = {
        "title": "Jardin partagé",
        "resume": "Un jardin.",
        "porteur": "Collectif",
        "description": "On jardine.",
        "themes": ["agriculture"],
    }
    created = call("POST", "/api/v1/forms/initiative/records", json={"values": values}, headers=auth)
    assert created.status_code == 201, created.json
    call("POST", "/api/v1/forms/initiative/records", json={"values": {}}, headers=auth)
    call("GET", "/api/v1/forms/initiative/records?themes=agriculture&tri=-updated&limit=5")
    url = created.headers["Location"]
    record_etag = call("GET", url).headers["ETag"]
    assert call("GET", url, headers={"If-None-Match": record_etag}).status_code == 304
    form_etag = call("GET", "/api/v1/forms/initiative").headers["ETag"]
    assert call("GET", "/api/v1/forms/initiative", headers={"If-None-Match": form_etag}).status_code == 304
    call("GET", "/api/v1/records/999999")
    call(
        "PUT",
        url,
        json={"values": values | {"title": "Jardin partagé du Bourg"}},
        headers=auth | {"If-Match": created.headers["ETag"]},
    )
    call("PUT", url, json={"values": values}, headers=auth | {"If-Match": created.headers["ETag"]})
    call("PUT", url, json={"values": values}, headers=auth)
    call("DELETE", url, headers=auth)
    call("DELETE", url, headers=mod)

    geo.save_zone(
        db,
        code="35236",
        name="Redon",
        level="commune",
        geometry={"type": "Polygon", "coordinates": [[[-2.1, 47.6], [-2.0, 47.6], [-2.0, 47.7], [-2.1, 47.6]]]},
    )
    market = {
        "start": "2026-11-07T08:00",
        "end": "2026-11-07T13:00",
        "rrule": "FREQ=WEEKLY;BYDAY=SA;COUNT=4",
        "timezone": "Europe/Paris",
    }
    event = records.create_record(db, form_services.get_form(db, "evenement"), {"title": "Marché", "horaire": market},
                                  actor=writer, policy="account")  # fmt: skip
    records.create_record(db, form_services.get_form(db, "evenement"), {"title": "Foire", "horaire": {"start": "2026-11-11", "all_day": True}},
                          actor=writer, policy="account")  # fmt: skip
    db.commit()
    listed = call("GET", "/api/v1/events?start=2026-11-01&end=2026-12-01&limit=3").json
    assert listed["total"] == 5 and len(listed["items"]) == 3 and listed["items"][0]["record_id"] == event.id
    call("GET", "/api/v1/events?start=demain")
    found = call("GET", "/api/v1/search?q=marche&limit=5").json
    assert [i["title"] for i in found["items"] if i["kind"] == "record"] == ["Marché"]
    assert call("GET", "/api/v1/zones?niveau=commune").json["items"][0]["code"] == "35236"
    call("GET", "/api/v1/search?q=marché")

    assert contract.seen == documented(contract.doc)


def test_a_route_without_description_stops_the_document():
    app = Flask(__name__)
    app.add_url_rule("/api/v1/sans-description", endpoint="api.undescribed", view_func=lambda: "")
    with pytest.raises(LookupError, match="sans-description"):
        build_paths(app.url_map.iter_rules(), app.view_functions)
