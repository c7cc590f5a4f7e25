"""YesWiki actions: reading their parameters, and the links, notes and code spans they become."""

from __future__ import annotations

from importers.yeswiki_actions import FormRef
from importers.yeswiki_actions import code_span
from importers.yeswiki_actions import link
from importers.yeswiki_actions import note
from importers.yeswiki_actions import parse_action
from importers.yeswiki_actions import render_action

FORMS = {"4": FormRef("ressources")}.get


def test_parameters_in_double_or_single_quotes_or_bare():
    action = parse_action("""{{Bazar id="4" vue='recherche' voirmenu=0 titles="Les ressources, Déposer"}}""")
    assert action.name == "bazar"
    assert action.params == {"id": "4", "vue": "recherche", "voirmenu": "0", "titles": "Les ressources, Déposer"}


def test_code_spans_hold_any_backticks():
    assert code_span("{{x}}") == "`{{x}}`"
    assert code_span("a `b` c") == "``a `b` c``"
    assert code_span("`x`") == "`` `x` ``"


def test_links_to_addresses_and_pages():
    assert link("https://ex.org/a b(c)", "Le [site]") == "[Le (site)](https://ex.org/a%20b%28c%29)"
    assert link("PagePrincipale", "Accueil") == "[[PagePrincipale|Accueil]]"
    assert link("PagePrincipale/iframe") == "[[PagePrincipale]]"
    assert link("Page#ancre", "Page") == "[[Page]]"


def test_notes_are_visible_and_never_a_macro_line():
    block, inline = note("{{login}}", block=True), note("{{login}}", block=False)
    assert block.text == "> Action YesWiki non reprise : `{{login}}`" and block.kind == "note"
    assert inline.text == "*(action YesWiki non reprise : `{{login}}`)*"


def test_a_bazar_view_in_the_middle_of_a_line_cannot_be_a_macro():
    assert render_action('{{bazar id="4"}}', FORMS, block=True).text == '{{liste form="ressources"}}'
    rendered = render_action('{{bazar id="4"}}', FORMS, block=False)
    assert rendered.kind == "note" and rendered.text.startswith("*(vue Bazar au milieu d'une ligne")


def test_layout_panels_keep_their_title():
    assert render_action('{{panel title="Titre primary" class="panel-primary"}}', FORMS, block=True).text == (
        "**Titre primary**"
    )
    assert render_action('{{section bgcolor="red"}}', FORMS, block=True).kind == "layout"
