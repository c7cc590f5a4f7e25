"""Wikitext → Markdown, block by block, on real French wikitext (fr.wiktionary) and the constructs of the docs' table."""

from __future__ import annotations

import pytest

from importers.wikitext import to_markdown
from importers.wikitext_inline import Namespaces
from tests.shared import DATA
from wiki.markup import render

WIKITEXT_FR = DATA / "mediawiki-xml" / "wikitext-fr"
ACCUEIL = (WIKITEXT_FR / "accueil.wiki").read_text(encoding="utf-8")
BARBE = (WIKITEXT_FR / "barbe à papa.wiki").read_text(encoding="utf-8")


def md(text: str, **kwargs) -> str:
    return to_markdown(text, **kwargs).markdown.strip()


def html(text: str) -> str:
    return render(md(text)).html


# --- the real samples -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [ACCUEIL, BARBE], ids=["accueil", "barbe à papa"])
def test_the_french_samples_render_without_losing_a_word(text):
    converted = to_markdown(text)
    rendered = render(converted.markdown)
    assert converted.kept["modèles"] > 50 and converted.kept["images"] >= 1
    assert rendered.warnings == ()  # no skipped heading level, no table without header…
    for word in ("Supprimer", "traductions", "voir aussi", "prononciation", "{{trad-fin}}"):
        assert word not in text or word in rendered.html


def test_accueil_headings_templates_and_numbered_definitions():
    markdown = md(ACCUEIL)
    assert "## `{{langue|fr}}`" in markdown.splitlines()
    assert "#### `{{S|dérivés}}`" in markdown.splitlines()
    assert "> `{{siècle|XII}}` `{{déverbal|de=accueillir|lang=fr|m=1}}`." in markdown
    # « # » definitions and their « #* » examples nested under them
    assert "1. [[lieu|Lieu]] où sont accueillies les [[personne|personnes]]." in markdown
    assert "    - `{{exemple|lang=fr|À l’'''accueil''', ils t’expliqueront comment aller à son bureau.}}`" in markdown
    assert "- [[accueil de loisirs]]" in markdown
    assert "- [[home]] *(site web)* `{{anglicisme|nocat=1}}`" in markdown


def test_accueil_emphasis_follows_mediawikis_apostrophe_rules():
    markdown = md(ACCUEIL)
    # L''''accueil''' : four apostrophes are an apostrophe, then bold
    assert "L'**accueil** d'une chambre de commerce aux Pays-Bas. (2)" in markdown
    assert "Page d’**accueil** de Wikipedia en vietnamien." in markdown
    page = html(ACCUEIL)
    assert "L'<strong>accueil</strong> d'une" in page


def test_images_become_a_visible_note_or_a_link_to_the_source_wiki():
    assert "*Image : Candyfloss (4825597893).jpg* — **Barbe à papa**." in md(BARBE).splitlines()
    linked = md("[[File:Logo ville.png|thumb|left|200px|Le [[logo]] de la ville]]",
                file_url=lambda name: f"https://wiki.example/Fichier:{name.replace(' ', '_')}")  # fmt: skip
    assert linked == "[Image : Logo ville.png](https://wiki.example/Fichier:Logo_ville.png) — Le [[logo]] de la ville"
    assert md("[[Image:x.jpg]]") == "*Image : x.jpg*"
    assert md("Voir [[:Fichier:x.jpg]].") == "Voir [[Fichier:x.jpg]]."


def test_multi_line_templates_stay_whole_inside_their_list_item():
    markdown = md(BARBE)
    assert (
        "    - `{{exemple | lang=fr | Au Luxembourg, elle s’écœura de '''barbe à papa'''. | source=Éric Neuhoff"
        in markdown
    )
    assert "6<sup>e</sup> éd." in markdown  # inside the template's code, untouched


# --- the conversion table --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wikitext", "markdown"),
    [
        ("== Histoire ==", "## Histoire"),
        ("=== Sous-titre ===", "### Sous-titre"),
        ("'''gras''' et ''italique'' et '''''les deux'''''", "**gras** et *italique* et ***les deux***"),
        ("''un '''mot''' dedans''", "*un **mot** dedans*"),
        ("''' ouvert sans fin", "**ouvert sans fin**"),
        ("[[Mairie de Redon]]", "[[Mairie de Redon]]"),
        ("[[Mairie de Redon|la mairie]]", "[[Mairie de Redon|la mairie]]"),
        ("[[vélo]]s", "[[vélo|vélos]]"),
        ("[[Redon (ville)|]]", "[[Redon (ville)|Redon]]"),
        ("[[#Horaires|les horaires]]", "[les horaires](#s-horaires)"),
        ("[[Aide:Modifier]] [[Help:Edit]]", "[[Aide:Modifier]] [[Aide:Edit|Help:Edit]]"),
        ("[[Template:Ville]]", "[[Modèle:Ville|Template:Ville]]"),
        ("[https://redon.fr le site]", "[le site](https://redon.fr)"),
        ("[https://redon.fr]", "<https://redon.fr>"),
        ("Voir https://redon.fr/agenda.", "Voir <https://redon.fr/agenda>."),
        ("* un\n** deux\n* trois", "- un\n    - deux\n- trois"),
        ("# un\n#* détail\n# deux", "1. un\n    - détail\n1. deux"),
        ("; Terme : définition", "**Terme**\n\n> définition"),
        (": retrait\n:: plus", "> retrait\n>\n>> plus"),
        ("----", "---"),
        ("a<br>b<br />c", "a<br>b<br>c"),
        ("x<sup>2</sup> <u>souligné</u> <s>barré</s>", "x<sup>2</sup> <ins>souligné</ins> <s>barré</s>"),
        ('<span style="color:red">rouge</span>', "rouge"),
        ("<nowiki>'''pas gras''' [[pas lien]]</nowiki>", "'''pas gras''' \\[\\[pas lien\\]\\]"),
        ("texte <!-- note cachée --> suite", "texte <!-- note cachée --> suite"),
        ("{{Infobox|nom=Redon}}", "`{{Infobox|nom=Redon}}`"),
        ("{{{1|défaut}}}", "`{{{1|défaut}}}`"),
        ("__NOTOC__\nTexte", "Texte"),
        (" espace devant\n code", "```\nespace devant\ncode\n```"),
        ("<pre>x = 1</pre>", "```\nx = 1\n```"),
        ('<syntaxhighlight lang="python">print(1)</syntaxhighlight>', "```python\nprint(1)\n```"),
        ("<math>E=mc^2</math>", "`E=mc^2`"),
        ("[[Has text::Sed ut perspiciatis]]", "Sed ut perspiciatis"),
        ("1. pas une liste", "1\\. pas une liste"),
        ("# liste", "1. liste"),
        ("a * b _c_ `d`", "a \\* b \\_c\\_ \\`d\\`"),
        ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
    ],
)
def test_conversion_table(wikitext, markdown):
    assert md(wikitext) == markdown


def test_references_become_footnotes_named_ones_shared():
    text = ("Redon<ref>Cartulaire, p. 3.</ref> et Vannes<ref name=\"v\">Site de la ville.</ref> "
            "puis<ref name=\"v\" />.\n\n== Notes ==\n<references />")  # fmt: skip
    assert (
        md(text) == "Redon[^1] et Vannes[^2] puis[^2].\n\n## Notes\n\n[^1]: Cartulaire, p. 3.\n[^2]: Site de la ville."
    )
    assert 'class="footnote"' in html(text)


def test_redirects_are_returned_and_written_as_a_link_for_the_history():
    converted = to_markdown("#REDIRECTION [[Mairie de Redon#Horaires]]\n[[Catégorie:Redirections]]")
    assert converted.redirect == "Mairie de Redon"
    assert converted.markdown.startswith("Redirection vers [[Mairie de Redon|Mairie de Redon#Horaires]].")
    assert to_markdown("#redirect: [[Template:Ville]]").redirect == "Modèle:Ville"
    assert to_markdown("Pas #REDIRECT [[X]]").redirect is None


def test_categories_are_collected_and_kept_as_links_to_their_pages():
    converted = to_markdown(
        "Texte.\n[[Catégorie:Associations]]\n[[Category:Sport|clé de tri]]\n[[Catégorie:Associations]]"
    )
    assert converted.categories == ["Associations", "Sport"]
    assert converted.markdown == ("Texte.\n\nCatégories : [[Catégorie:Associations|Associations]], "
                                  "[[Catégorie:Sport|Sport]]\n")  # fmt: skip
    german = Namespaces({14: "Kategorie", 6: "Datei"})
    assert to_markdown("[[Kategorie:Verein]] [[Datei:a.png]]", german).categories == ["Verein"]


def test_a_simple_table_becomes_a_pipe_table():
    text = '{| class="wikitable"\n|+ Horaires\n! Jour !! Heures\n|-\n| Lundi || 9 h – 12 h\n|-\n| style="color:red" | Mardi\n| [[Fermé|c’est fermé]]\n|-\n| [[Mercredi|mercredi]] || ouvert\n|}'
    assert md(text) == ("**Horaires**\n\n| Jour | Heures |\n| --- | --- |\n| Lundi | 9 h – 12 h |\n"
                        "| Mardi | c’est fermé ([[Fermé]]) |\n| [[Mercredi]] | ouvert |")  # fmt: skip
    assert "<th>Jour</th>" in html(text) and 'href="/pages/ferme"' in html(text)


def test_a_complex_table_is_kept_as_wikitext_visibly():
    text = '{|\n| rowspan="2" | A || B\n|-\n| C\n|}'
    converted = to_markdown(text)
    assert converted.markdown == "*Tableau gardé en wikitexte :*\n\n```\n" + text + "\n```\n"
    assert converted.kept["tableaux complexes"] == 1
    nested = to_markdown("{|\n| a\n{|\n| b\n|}\n|}\nAprès")
    assert nested.kept["tableaux complexes"] == 1 and nested.markdown.endswith("|}\n```\n\nAprès\n")


def test_lists_start_on_a_block_of_their_own():
    assert md("Texte\n* point") == "Texte\n\n- point"
    assert "<ul>" in html("Texte\n* point")


def test_gallery_is_a_list_of_image_notes():
    assert md("<gallery>\nFichier:a.jpg|Le port\nb.png\n</gallery>") == "- *Image : a.jpg* — Le port\n- *Image : b.png*"


def test_hostile_text_stays_inert():
    page = html('[javascript:alert(1) x] [[x|<img src=x onerror=alert(1)>]] <div onclick="alert(1)">a</div>')
    assert "<img" not in page and "onclick" not in page and 'href="javascript' not in page
    assert md("\ue000" + "0\ue001texte") == "0texte"  # our placeholders cannot be forged
    deep = "{{" * 2000 + "x" + "}}" * 2000
    assert md(deep).startswith("`{{{{")
