"""The search page, ``/api/v1/search`` and the OpenSearch description, through the whole app.

Every test runs on SQLite with Whoosh and on PostgreSQL with its own full-text
search (``SEARCH_BACKEND=postgres``): one behaviour for both engines.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

import pytest
from werkzeug.datastructures import MultiDict

from tests.factories import make_page
from tests.factories import make_user
from tests.wiki.search.test_syntax import HOSTILE
from wiki.db import Database
from wiki.records import form_services
from wiki.records import services as records
from wiki.records import taxonomy
from wiki.search import get_backend
from wiki.search import services
from wiki.search import syntax
from wiki.search.backend import MSG_UNAVAILABLE
from wiki.search.labels import NOTICES
from wiki.search.postgres_backend import PostgresBackend
from wiki.search.whoosh_backend import WhooshBackend

FIELDS = [
    {"key": "nom", "type": "text", "label": "Nom", "required": True},
    {"key": "description", "type": "longtext", "label": "Description"},
    {"key": "themes", "type": "theme", "label": "Thèmes"},
    {"key": "commune", "type": "zone", "label": "Commune", "options": {"levels": ["commune"]}},
    {"key": "note", "type": "longtext", "label": "Note interne", "visibility": "members"},
    {"key": "tel", "type": "phone", "label": "Téléphone", "personal": True},
    {"key": "secret", "type": "text", "label": "Code", "visibility": "private"},
]
SECRETS = ("zorglub", "02 99 71 00 00", "cachette")


@pytest.fixture
def app(make_app: Any, database_url: str) -> Any:
    """Whoosh on SQLite, PostgreSQL full-text search on PostgreSQL."""
    return make_app(SEARCH_BACKEND="postgres" if database_url.startswith("postgresql") else "whoosh")


@pytest.fixture
def moderator(db):
    user = make_user(db, "Modo", role="moderator")
    db.commit()
    return user


@pytest.fixture
def lieu(db, moderator):
    taxonomy.save_theme(db, key="mobilite", label="Mobilité", actor=moderator, synonyms=["transports"])
    taxonomy.save_theme(db, key="energie", label="Énergie", actor=moderator)
    form = form_services.create_form(db, key="lieu", title="Lieu", fields=FIELDS, actor=moderator, title_field="nom")
    db.commit()
    return form


def add(db, form, actor, nom, description="", **values):
    record = records.create_record(
        db, form, {"nom": nom, "description": description, **values}, actor=actor, policy="open"
    )
    db.commit()
    return record


@pytest.fixture
def corpus(db, lieu, moderator):
    """Three pages and three public records about bikes, one private draft."""
    make_page(db, "Médiathèque de Redon", "La médiathèque prête des vélos le samedi.\n")
    make_page(db, "Maison de quartier", "La maison de quartier accueille l'atelier de réparation.\n")
    make_page(db, "Covoiturage", "Aire de covoiturage près de la gare.\n")
    db.commit()
    add(
        db,
        lieu,
        moderator,
        "Atelier vélo",
        "Réparation de vélos d'occasion.",
        themes=["mobilite"],
        commune="35236",
        note="Digicode zorglub",
        tel="02 99 71 00 00",
        secret="cachette",
    )
    add(
        db,
        lieu,
        moderator,
        "Vélos électriques",
        "Location de vélos électriques.",
        themes=["mobilite", "energie"],
        commune="35001",
    )
    add(db, lieu, moderator, "Ressourcerie", "Objets et vélos réemployés.", themes=["energie"], commune="35236")
    draft = add(db, lieu, moderator, "Vélo brouillon", "Pas encore prêt.")
    records.set_status(db, draft, "draft", actor=moderator)
    db.commit()
    return {"draft": draft}


def api(client, **params) -> dict[str, Any]:
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    return response.json


def titles(payload: dict[str, Any]) -> set[str]:
    return {item["title"] for item in payload["items"]}


def test_each_database_gets_its_engine(app):
    expected = PostgresBackend if Database.engine(app).dialect.name == "postgresql" else WhooshBackend
    assert isinstance(get_backend(app), expected)


def test_french_search_through_the_api(client, corpus):
    assert titles(api(client, q="velo")) == {
        "Médiathèque de Redon",
        "Atelier vélo",
        "Vélos électriques",
        "Ressourcerie",
    }
    assert titles(api(client, q="mediatheque")) == {"Médiathèque de Redon"}
    assert titles(api(client, q="covoit")) == {"Covoiturage"}
    assert titles(api(client, q="reparer")) == {"Maison de quartier", "Atelier vélo"}
    assert titles(api(client, q="l'atelier")) == {"Maison de quartier", "Atelier vélo"}
    assert titles(api(client, q='"maison de quartier"')) == {"Maison de quartier"}
    assert titles(api(client, q="velo -electriques")) == {"Médiathèque de Redon", "Atelier vélo", "Ressourcerie"}
    assert titles(api(client, q="transports")) == {"Atelier vélo", "Vélos électriques"}  # theme synonyms


def test_api_items_and_facets(client, corpus):
    payload = api(client, q="velo", limit="2")
    assert payload["total"] == 4 and payload["pages"] == 2 and payload["limit"] == 2 and len(payload["items"]) == 2
    item = next(i for i in api(client, q="atelier velo")["items"])
    assert item["kind"] == "record" and item["form"] == "lieu" and item["status"] == "published"
    assert re.fullmatch(r"http://wiki\.test/fiches/\d+", item["url"])
    assert "<mark>" in item["snippet_html"]
    facets = {
        name: {v["value"]: (v["label"], v["count"]) for v in values} for name, values in payload["facets"].items()
    }
    assert facets["type"] == {"record": ("Fiche", 3), "page": ("Page", 1)}
    assert facets["form"] == {"lieu": ("Lieu", 3)}
    assert facets["theme"] == {"mobilite": ("Mobilité", 2), "energie": ("Énergie", 2)}
    assert facets["zone"] == {"35236": ("35236", 2), "35001": ("35001", 1)}
    assert facets["statut"] == {"published": ("publiée", 3)}


def test_filters_narrow_and_repeat_to_widen(client, corpus):
    assert titles(api(client, q="velo", type="page")) == {"Médiathèque de Redon"}
    assert titles(api(client, q="velo", theme="energie")) == {"Vélos électriques", "Ressourcerie"}
    assert titles(api(client, q="velo", theme="energie", zone="35236")) == {"Ressourcerie"}
    widened = client.get("/api/v1/search?q=velo&zone=35236&zone=35001").json
    assert titles(widened) == {"Atelier vélo", "Vélos électriques", "Ressourcerie"}
    selected = {v["value"]: v["selected"] for v in widened["facets"]["zone"]}
    assert selected == {"35236": True, "35001": True}
    nothing = api(client, q="velo", form="inconnu")
    assert nothing["total"] == 0 and nothing["facets"]["form"] == [
        {"value": "inconnu", "label": "inconnu", "count": 0, "selected": True}
    ]


def test_private_records_fields_and_personal_data_never_come_out(client, db, corpus, lieu, moderator):
    for secret in SECRETS:
        for word in secret.split()[:1] + [secret]:
            assert api(client, q=word)["total"] == 0, word
            assert 'class="hits"' not in client.get("/-/recherche", query_string={"q": word}).text
    assert api(client, q="brouillon")["total"] == 0
    indexed = get_backend(client.application).all_ids()
    assert f"record:{corpus['draft'].id}" not in indexed and len(indexed) == 6
    # Even a logged-in moderator searches the public index only.
    client.post("/-/connexion", data={"name": "Modo", "password": "motdepasse-solide"})
    assert api(client, q="brouillon")["total"] == 0 and api(client, q="zorglub")["total"] == 0


def test_a_record_made_private_disappears_at_once(client, db, corpus, lieu, moderator):
    [item] = api(client, q="ressourcerie")["items"]
    record = records.get_record(db, int(item["id"].split(":")[1]), moderator)
    records.set_status(db, record, "pending", actor=moderator)
    db.commit()
    assert api(client, q="ressourcerie")["total"] == 0
    records.set_status(db, record, "published", actor=moderator)
    db.commit()
    assert api(client, q="ressourcerie")["total"] == 1
    fields = [dict(f, visibility="members") if f["key"] == "description" else f for f in lieu.fields]
    form_services.update_form(db, lieu, title=lieu.title, fields=fields, actor=moderator)
    db.commit()
    assert api(client, q="reemployes")["total"] == 0 and api(client, q="ressourcerie")["total"] == 1
    records.delete_record(db, record, actor=moderator)
    db.commit()
    assert api(client, q="ressourcerie")["total"] == 0


def test_a_saved_page_is_found_and_a_deleted_one_is_not(client, db, moderator):
    page = make_page(db, "Lavoir du bourg", "Restauré par les bénévoles.\n")
    db.commit()
    assert titles(api(client, q="lavoirs")) == {"Lavoir du bourg"}
    from wiki.pages import moderation

    moderation.delete_page(db, page, actor=moderator)
    db.commit()
    assert api(client, q="lavoir")["total"] == 0


def test_search_page_shows_results_facets_and_pages(client, corpus):
    response = client.get("/-/recherche?q=velo")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"
    html = response.text
    assert "4 résultats" in html and "<mark>" in html
    assert 'href="/pages/mediatheque-de-redon"' in html and "Fiche</span> Lieu" in html
    # Facets are plain links that add a filter, then remove it.
    link = re.search(r'href="([^"]*theme=energie[^"]*)"', html).group(1).replace("&amp;", "&")
    narrowed = client.get(link).text
    assert "2 résultats" in narrowed and 'aria-current="true"' in narrowed and "Retirer tous les filtres" in narrowed
    back = re.search(r'<a href="([^"]*)" class="selected"', narrowed).group(1).replace("&amp;", "&")
    assert "theme=" not in back and "4 résultats" in client.get(back).text
    # Pages of results.
    assert client.get("/api/v1/search?q=velo&limit=3").json["pages"] == 2
    recent = client.get("/-/recherche?q=velo&tri=recent").text
    assert re.search(r"<strong aria-current=\"true\">les plus récents</strong>", recent)


def test_pages_of_results(make_app, database_url, db, corpus):
    client = make_app(
        SEARCH_PER_PAGE=3, SEARCH_BACKEND="postgres" if database_url.startswith("postgresql") else "whoosh"
    ).test_client()
    first = client.get("/-/recherche?q=velo").text
    assert 'rel="next"' in first and "Page 1 sur 2" in first and "4 résultats" in first
    second = client.get("/-/recherche?q=velo&page=2").text
    assert 'rel="prev"' in second and "Page 2 sur 2" in second and '<ol class="hits" start="4">' in second
    beyond = client.get("/-/recherche?q=velo&page=9").text
    assert "Cette page de résultats n’existe pas." in beyond


def test_did_you_mean_empty_and_simplified_queries(client, corpus):
    typo = client.get("/-/recherche?q=ressourcrie").text
    assert "Vouliez-vous dire" in typo and 'href="/-/recherche?q=ressourcerie"' in typo
    assert api(client, q="ressourcrie")["suggestion"] == "ressourcerie"
    empty = client.get("/-/recherche")
    assert (
        empty.status_code == 200
        and "Tapez un ou plusieurs mots" in empty.text
        and "résultat" not in empty.text.split("<main")[1]
    )
    assert api(client, q="")["message"] == syntax.MSG_EMPTY
    fixed = client.get('/-/recherche?q="atelier vélo')
    assert fixed.status_code == 200 and "elle a été simplifiée" in fixed.text and "Atelier vélo" in fixed.text
    assert "trop courants" in client.get("/-/recherche?q=les").text


def test_exact_title_and_create_link(client, db, corpus, auth):
    make_user(db, "Camille")
    db.commit()
    html = client.get("/-/recherche?q=Covoiturage").text
    assert "Page portant ce titre" in html and "Créer la page" not in html
    auth.login()
    assert "Créer la page « Jardin secret »" in client.get("/-/recherche?q=Jardin secret").text


@pytest.mark.parametrize("raw", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries(client, corpus, raw):
    page = client.get("/-/recherche", query_string={"q": raw})
    assert page.status_code == 200 and "<script>alert" not in page.text
    payload = client.get("/api/v1/search", query_string={"q": raw}).json
    assert payload["message"] != MSG_UNAVAILABLE


def test_hostile_parameters_are_clamped(client, corpus):
    """HOSTILE_INPUTS B9-79..84: lists capped, sizes clamped, unknown sorts ignored, first value wins."""
    for query in (
        "page=-1",
        "page=1e9",
        "page=99999999999",
        "limit=0",
        "limit=100000000",
        "tri=password",
        "tri=(CASE WHEN 1 THEN 1 END)",
        "theme=a,b')) UNION SELECT 1--",
        "type=page&type=page",
        "q=velo&q=zorglub",
        "statut=draft",
    ):
        response = client.get(f"/api/v1/search?q=velo&{query}")
        assert response.status_code == 200, query
        assert client.get(f"/-/recherche?q=velo&{query}").status_code == 200, query
    assert api(client, q="velo", limit="100000000")["limit"] == 100
    assert api(client, q="velo", page="1e9")["page"] == 1
    assert api(client, q="velo", statut="draft")["total"] == 0  # the draft is not in the index at all
    assert client.get("/api/v1/search?q=velo&q=zorglub").json["total"] == 4
    many = "&".join(f"theme=t{i}" for i in range(500))
    assert client.get(f"/api/v1/search?q=velo&{many}").status_code == 200


def test_query_args_round_trip():
    query = services.parse_args(
        MultiDict(
            [("q", "vélo"), ("theme", "a"), ("theme", "b"), ("tri", "recent"), ("page", "3"), ("statut", "x" * 500)]
        )
    )
    assert (
        query.filters == {"themes": ("a", "b"), "status": ("x" * 200,)} and query.sort == "recent" and query.page == 3
    )
    assert services.query_args(query, page=None) == {
        "q": "vélo",
        "theme": ["a", "b"],
        "statut": ["x" * 200],
        "tri": "recent",
    }
    assert services.toggled(query, "themes", "a")["theme"] == ["b"]
    assert services.toggled(query, "themes", "c")["theme"] == ["a", "b", "c"]


def test_opensearch_description(client):
    response = client.get("/-/opensearch.xml")
    assert response.status_code == 200 and response.mimetype == "application/opensearchdescription+xml"
    root = ElementTree.fromstring(response.data)
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    assert root.find("os:ShortName", ns).text == "Lieudit"
    templates = {u.get("type"): u.get("template") for u in root.findall("os:Url", ns)}
    assert templates == {
        "text/html": "http://wiki.test/-/recherche?q={searchTerms}",
        "application/json": "http://wiki.test/api/v1/search?q={searchTerms}",
    }
    home = client.get("/-/recherche").text
    assert (
        '<link rel="search" type="application/opensearchdescription+xml" title="Lieudit" href="/-/opensearch.xml">'
        in home
    )


def test_english_interface(client, corpus):
    html = client.get("/-/recherche?q=velo", headers={"Accept-Language": "en"}).text
    assert "4 results" in html and "Refine" in html and "Record type" in html


def test_notices_are_in_the_catalog():
    assert {str(n) for n in NOTICES} == {
        syntax.MSG_FIXED,
        syntax.MSG_EMPTY,
        syntax.MSG_TOO_COMMON,
        syntax.MSG_ONLY_EXCLUDED,
        MSG_UNAVAILABLE,
    }


def test_zones_are_found_and_name_the_territory_facet(client, db, corpus, lieu, moderator):
    from geodata import zones as geo

    geo.save_zone(db, code="35236", name="Redon", level="commune", centre=(-2.08, 47.65))
    geo.save_zone(db, code="35001", name="Allaire", level="commune", centre=(-2.16, 47.64))
    db.commit()
    found = api(client, q="redon")
    assert {(i["kind"], i["title"]) for i in found["items"]} >= {("zone", "Redon"), ("page", "Médiathèque de Redon")}
    zone = next(i for i in found["items"] if i["kind"] == "zone")
    assert zone["url"] == "http://wiki.test/zones/commune/35236"
    assert titles(api(client, q="35001", type="zone")) == {"Allaire"}
    facets = {v["value"]: (v["label"], v["count"]) for v in api(client, q="velo")["facets"]["zone"]}
    assert facets == {"35236": ("Redon", 2), "35001": ("Allaire", 1)}
    geo.save_zone(db, code="35236", name="Redon (ville)", level="commune", centre=(-2.08, 47.65))
    db.commit()
    assert titles(api(client, q="ville", type="zone")) == {"Redon (ville)"}  # re-indexed after the commit


def test_zones_of_another_level_sharing_a_code_are_their_own_documents(client, db, corpus, lieu, moderator):
    from geodata import zones as geo

    geo.save_zone(db, code="35013", name="Bains-sur-Oust", level="commune", centre=(-2.07, 47.7))
    geo.save_zone(db, code="35013", name="Canton de Redon", level="canton", centre=(-2.08, 47.65))
    db.commit()
    found = {(i["title"], i["url"]) for i in api(client, q="35013", type="zone")["items"]}
    assert found == {
        ("Bains-sur-Oust", "http://wiki.test/zones/commune/35013"),
        ("Canton de Redon", "http://wiki.test/zones/canton/35013"),
    }


def test_a_located_record_is_filed_under_the_commune_the_map_puts_it_in(client, db, moderator):
    from geodata import zones as geo
    from wiki.demo import seed

    seed(db)
    geo.save_zone(
        db,
        code="35236",
        name="Redon",
        level="commune",
        geometry={
            "type": "Polygon",
            "coordinates": [[[-2.2, 47.6], [-2.0, 47.6], [-2.0, 47.7], [-2.2, 47.7], [-2.2, 47.6]]],
        },
    )
    form = form_services.get_form(db, "lieu")
    records.create_record(db, form, {"title": "Tiers-lieu du port", "localisation": {"type": "Point", "coordinates": [-2.1, 47.65]}},
                          actor=moderator, policy="open")  # fmt: skip
    db.commit()
    (item,) = api(client, q="tiers-lieu port", zone="35236")["items"]
    assert item["title"] == "Tiers-lieu du port"
