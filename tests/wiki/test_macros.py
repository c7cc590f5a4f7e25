"""Page macros: strict parsing, code blocks left alone, live lists in pages."""

from __future__ import annotations

import pytest

from tests.factories import make_page
from tests.factories import make_user
from wiki import macros
from wiki.records import form_services
from wiki.records import services
from wiki.records import taxonomy

pytestmark = (
    pytest.mark.sqlite_only
)  # no dialect-specific code: macro parsing and rendering; lists are tested on both in records


def test_extract_replaces_only_standalone_lines_outside_code():
    text = 'Intro\n{{liste form="initiative" theme="Mobilité"}}\n```\n{{liste form="x"}}\n```\n    {{liste form="y"}}\nTexte {{liste form="z"}} en ligne\n'
    source, calls = macros.extract(text)
    assert [c.params for c in calls] == [{"form": "initiative", "theme": "Mobilité"}]
    assert '{{liste form="x"}}' in source and '{{liste form="y"}}' in source and 'Texte {{liste form="z"}}' in source


@pytest.mark.parametrize(
    "line, error",
    [
        ("{{liste form=initiative}}", "Syntaxe"),
        ('{{liste form="a" form="b"}}', "répété"),
        ('{{liste form="a" onmouseover="alert(1)"}}', "inconnu"),
        ('{{Video url="javascript:alert(1)"}}', "Syntaxe"),
        ('{{inconnue form="a"}}', "Macro inconnue"),
        ('{{liste form="x" theme="\\" onload=\\"alert(1)"}}', "Syntaxe"),
    ],
)
def test_bad_macros_give_visible_harmless_messages(app, line, error):
    _, calls = macros.extract(line)
    html = macros.expand("<p>LIEUDITMACRO0X</p>", calls, None)
    assert 'class="macro-error"' in html and error in html
    assert html.count("<") == 2  # one <p> and its </p>: everything else is escaped text


def test_macro_cap():
    _, calls = macros.extract("\n".join('{{liste form="a"}}' for _ in range(50)))
    assert len(calls) == macros.MAX_MACROS


@pytest.fixture
def directory(db):
    moderator = make_user(db, "Modo", role="moderator")
    taxonomy.save_theme(db, key="mobilite", label="Mobilité", actor=moderator, synonyms=["transports"])
    taxonomy.save_theme(db, key="culture", label="Culture", actor=moderator)
    form = form_services.create_form(
        db,
        key="initiative",
        title="Initiatives",
        actor=moderator,
        fields=[
            {"id": "f_000000a1", "key": "title", "type": "text", "label": "Titre", "required": True},
            {"id": "f_000000a2", "key": "themes", "type": "theme", "label": "Thématiques"},
            {"id": "f_000000a3", "key": "commune", "type": "zone", "label": "Commune"},
        ],
    )
    services.create_record(
        db,
        form,
        {"title": "Covoiturage solidaire <b>", "themes": ["mobilite"], "commune": "35236"},
        actor=moderator,
        policy="account",
    )
    services.create_record(
        db, form, {"title": "Festival", "themes": ["culture"], "commune": "56001"}, actor=moderator, policy="account"
    )
    db.commit()
    return form


def test_page_embeds_a_live_filtered_list(client, db, directory):
    make_page(
        db,
        "Mobilité",
        'Les initiatives :\n\n{{liste form="initiative" theme="transports"}}\n\n{{fiches form="initiative" zone="56001"}}\n',
    )
    db.commit()
    response = client.get("/pages/mobilite")
    assert "Covoiturage solidaire &lt;b&gt;" in response.text
    assert response.text.count("Festival") == 1  # only in the zone-filtered cards
    assert "ETag" not in response.headers  # live content is never answered with 304


def test_macro_errors_in_a_page(client, db, directory):
    make_page(
        db,
        "Erreurs",
        '{{liste form="inconnu"}}\n\n{{liste form="initiative" theme="Astronomie"}}\n\n{{liste form="initiative" nombre="100000"}}\n',
    )
    db.commit()
    text = client.get("/pages/erreurs").text
    assert "Formulaire inconnu : inconnu." in text and "Thématique inconnue" in text and "entier entre 1 et 100" in text


def test_entry_form_macro(client, db, directory):
    make_page(db, "Proposer", '{{formulaire form="initiative"}}\n')
    db.commit()
    anonymous = client.get("/pages/proposer").text
    assert "Connectez-vous pour ajouter une fiche" in anonymous
    make_user(db, "Camille")
    db.commit()
    client.post("/-/connexion", data={"name": "Camille", "password": "motdepasse-solide"})
    logged = client.get("/pages/proposer").text
    assert 'action="/annuaire/initiative/nouvelle"' in logged and 'for="f-title"' in logged


def test_api_shows_macros_as_written(client, db, directory):
    make_page(db, "Source", '{{liste form="initiative"}}\n')
    db.commit()
    html = client.get("/api/v1/pages/source").json["content_html"]
    assert "LIEUDITMACRO" not in html
    assert '<p class="macro-source"><code>{{liste form=&quot;initiative&quot;}}</code></p>' in html
