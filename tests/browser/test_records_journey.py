"""A moderator builds a form, a volunteer fills it, a page embeds the filtered list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_user
from tests.support.browser import axe_violations
from tests.support.browser import format_violations
from tests.support.browser import log_in
from wiki.db import Database

pytestmark = pytest.mark.browser


def _accounts(app):
    session = Database.new_session(app)
    make_user(session, "Modératrice", role="moderator")
    make_user(session, "Bénévole")
    session.commit()
    session.close()


def test_build_a_form_fill_it_and_embed_the_filtered_list(live_server, sqlite_app, page):
    _accounts(sqlite_app)
    base = live_server.url
    log_in(page, base, "Modératrice")

    page.get_by_role("link", name="Formulaires").click()
    page.get_by_role("link", name="Créer un formulaire").click()
    page.get_by_label("Titre").fill("Producteurs locaux")
    page.get_by_role("button", name="Créer le formulaire").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Producteurs locaux")

    # One field at a time: name it, choose its type, then its own settings show.
    adding = page.locator("fieldset.field-row-new")
    adding.get_by_label("Libellé").fill("Production")
    adding.get_by_label("Type").select_option("choice")
    adding.get_by_role("button", name="Ajouter et régler ce champ").click()
    production = page.locator("fieldset.field-row", has=page.locator("legend", has_text="Production"))
    production.get_by_label("Choix propres à ce champ").fill("legumes | Légumes\nfromages | Fromages")
    adding.get_by_label("Libellé").fill("Prix du panier")
    adding.get_by_label("Type").select_option("number")
    adding.get_by_role("button", name="Ajouter et régler ce champ").click()
    price = page.locator("fieldset.field-row", has=page.locator("legend", has_text="Prix du panier"))
    expect(production.get_by_label("Choix propres à ce champ")).to_have_value("legumes | Légumes\nfromages | Fromages")
    price.locator("input[name$='-unit']").fill("€")
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.get_by_text("Formulaire enregistré")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    log_in(page, base, "Bénévole")
    for name, production, price in (("Ferme du Pâtis", "Légumes", "12,5"), ("Chèvrerie des Landes", "Fromages", "9")):
        page.goto(base + "/annuaire/producteurs_locaux/nouvelle")
        page.get_by_label("Nom").or_(page.get_by_label("Titre")).first.fill(name)
        page.get_by_label(production).check()
        page.get_by_label("Prix du panier").fill(price)
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        expect(page.get_by_role("heading", name=name)).to_be_visible()

    page.goto(base + "/pages/paniers/edit?title=Paniers")
    page.get_by_label("Texte de la page").fill(
        '## Légumes près de chez vous\n\n{{liste form="producteurs_locaux" q="Pâtis"}}\n'
    )
    page.get_by_role("button", name="Enregistrer").click()
    embedded = page.locator("section.macro")
    expect(embedded.get_by_role("link", name="Ferme du Pâtis")).to_be_visible()
    expect(embedded.get_by_role("link", name="Chèvrerie des Landes")).to_have_count(0)

    page.goto(base + "/annuaire/producteurs_locaux")
    page.get_by_label("Fromages").check()
    page.get_by_role("button", name="Appliquer").click()
    expect(page.get_by_role("link", name="Chèvrerie des Landes")).to_be_visible()
    expect(page.get_by_role("link", name="Ferme du Pâtis")).to_have_count(0)
    assert "production=fromages" in page.url


@pytest.mark.parametrize(
    "path",
    [
        "/annuaire",
        "/annuaire/initiative",
        "/annuaire/initiative?vue=fiches",
        "/annuaire/initiative?vue=tableau",
        "/fiches/1",
        "/fiches/1/historique",
    ],
)
def test_directory_pages_have_no_serious_accessibility_violations(live_server, sqlite_app, page, path):
    from wiki.demo import load_demo

    session = Database.new_session(sqlite_app)
    load_demo(session)
    session.commit()
    session.close()
    page.goto(live_server.url + path)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
