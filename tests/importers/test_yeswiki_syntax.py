"""YesWiki syntax to Markdown: the conversion table, and every shared page sample rendered as it should."""

from __future__ import annotations

import re

import pytest

from importers.yeswiki_actions import FormRef
from importers.yeswiki_sql import decode
from importers.yeswiki_syntax import raw_html
from importers.yeswiki_syntax import to_markdown
from tests.shared import DATA
from wiki import macros
from wiki import markup

YESWIKI = DATA / "yeswiki"
SAMPLES = sorted(YESWIKI.glob("pages-*/*.txt"))
FORMS = {"1": FormRef("annuaire", located=True), "2": FormRef("agenda", dated=True, located=True)}


def md(text: str, **options) -> str:
    return to_markdown(text, FORMS.get, **options).markdown


def sample(path) -> str:
    return decode(path.read_bytes())[0]


@pytest.mark.parametrize(
    ("yeswiki", "markdown"),
    [
        ("======Titre 1======", "# Titre 1\n"),
        ("=====Titre 2=====", "## Titre 2\n"),
        ("==Titre 5==", "##### Titre 5\n"),
        ("**gras** //italique// __souligné__ @@barré@@ ##fixe##",
         "**gras** *italique* <ins>souligné</ins> <del>barré</del> <code>fixe</code>\n"),
        ("tempor.** Donec quis** ut", "tempor.<strong> Donec quis</strong> ut\n"),  # from LookWiki
        ("**//__Pellentesque__//**", "**<em><ins>Pellentesque</ins></em>**\n"),
        ("[[PagePrincipale Accueil]]", "[[PagePrincipale|Accueil]]\n"),
        ("[[BacASable]]", "[[BacASable]]\n"),
        ("[[http://www.exemple.com Texte du lien]]", "[Texte du lien](http://www.exemple.com)\n"),
        ("[[mailto:accueil@yeswiki.net Écrire]]", "[Écrire](mailto:accueil@yeswiki.net)\n"),
        ("[[PageDeCeWiki/edit Éditer]]", "[[PageDeCeWiki|Éditer]]\n"),
        ("Voir http://example.org/x?y=1 ici", "Voir <http://example.org/x?y=1> ici\n"),
        ("Voir ReglesDeFormatage.", "Voir [[ReglesDeFormatage]].\n"),
        (" - Liste à puce niveau 1\n  - Puce niveau 2\n - Puce niveau 1",
         "- Liste à puce niveau 1\n    - Puce niveau 2\n- Puce niveau 1\n"),
        (" 1) Liste énumérée\n 2) Liste énumérée", "1. Liste énumérée\n1. Liste énumérée\n"),
        ("\t- tabulée\n\t\t- sous-liste", "- tabulée\n    - sous-liste\n"),
        ("Avant\n - item\nAprès", "Avant\n\n- item\n\nAprès\n"),
        ("[|\n| **Nom** | Lien |\n| Ada | [[PageAda sa page]] |\n|]",
         "| **Nom** | Lien |\n| --- | --- |\n| Ada | [sa page](/pages/pageada) |\n"),
        ("%%(php) echo 1;%%", "```php\n echo 1;\n```\n"),
        ("avant %%x = 1%% après", "avant `x = 1` après\n"),
        ('""<span class="label">Info</span> **tel quel**""',
         '<span class="label">Info</span> &#42;&#42;tel quel&#42;&#42;\n'),
        ("ligne 1\nligne 2\n\nparagraphe", "ligne 1  \nligne 2\n\nparagraphe\n"),
        ("coupure --- ici\n----\nsuite", "coupure <br> ici\n\n---\n\nsuite\n"),
        ("5 * 3, _x_, `a`, <b> [c]", "5 \\* 3, \\_x\\_, \\`a\\`, &lt;b&gt; \\[c\\]\n"),
        ("\tTexte indenté", "Texte indenté\n"),
    ],
)  # fmt: skip
def test_conversion_table(yeswiki, markdown):
    assert md(yeswiki) == markdown


@pytest.mark.parametrize(
    ("action", "markdown"),
    [
        ('{{bazarliste id="1" template="trombinoscope.tpl.html"}}', '{{fiches form="annuaire"}}\n'),
        ('{{bazarliste id="1" template="map.tpl.html"}}', '{{carte form="annuaire"}}\n'),
        ('{{bazarcarto id="2"}}', '{{carte form="agenda"}}\n'),
        ('{{calendrier id="2"}}', '{{agenda form="agenda"}}\n'),
        ('{{bazarliste id="2" template="agenda.tpl.html" nb="5"}}', '{{agenda form="agenda"}}\n'),
        ('{{bazar voirmenu="0" vue="saisir" id="1"}}', '{{formulaire form="annuaire"}}\n'),
        ('{{bazar id="1" vue="recherche"}}', '{{liste form="annuaire"}}\n'),
        ('{{bazarliste id="1" nb="5"}}', '{{liste form="annuaire" nombre="5"}}\n'),
        ('{{calendrier id="1"}}', '{{liste form="annuaire"}}\n'),  # no dates: a list
        ('{{bazarliste id="9"}}', '> Vue Bazar d\'un formulaire inconnu : `{{bazarliste id="9"}}`\n'),
        ("{{recentchanges}}", "> Action YesWiki non reprise : `{{recentchanges}}`\n"),
        ('{{grid}}\n{{col size="6"}}\nTexte\n{{end elem="col"}}\n{{end elem="grid"}}', "Texte\n"),
        ('{{nav links="PageA, PageB" titles="A, B"}}', "[[PageA|A]] · [[PageB|B]]\n"),
        ('{{button link="GererSite" text="Gestion"}}', "[[GererSite|Gestion]]\n"),
        ('{{include page="Autre"}}', "> *Page incluse : [[Autre]]*\n"),
        ('{{attach file="logo.png" desc="Le logo"}}', "*(fichier joint non repris : logo.png — Le logo)*\n"),
        ('{{attach file="https://ex.org/a.png" desc="A"}}', "![A](https://ex.org/a.png)\n"),
        ("avant {{login}} après", "avant *(action YesWiki non reprise : `{{login}}`)* après\n"),
    ],
)
def test_actions_become_macros_links_or_notes(action, markdown):
    assert md(action) == markdown


def test_more_macros_than_a_page_may_hold_become_notes():
    converted = to_markdown("\n".join(['{{bazarliste id="1"}}'] * 25), FORMS.get)
    assert converted.macros == 20 and converted.markdown.count("{{liste") == 20
    assert converted.markdown.count("> Macro de trop") == 5
    assert len(macros.extract(converted.markdown)[1]) == 20


def test_links_to_entries_and_wikinames_of_pages_not_imported():
    entries = {"GatieN": "/fiches/12"}.get
    text = "GatieN et [[GatieN Ada]] ; PageAbsente ; PagePresente"
    assert md(text, linkable=entries, wikinames=lambda name: name == "PagePresente") == (
        "[GatieN](/fiches/12) et [Ada](/fiches/12) ; PageAbsente ; [[PagePresente]]\n"
    )


def test_raw_html_keeps_tags_and_comments_and_escapes_its_text():
    assert raw_html("<!-- => caché -->") == "<!-- => caché -->"
    assert raw_html("<pre> - un\n 2. deux</pre>") == "<pre> &#45; un\n &#50;. deux</pre>"
    assert raw_html("a [[lien]] {{action}} #") == "a &#91;&#91;lien&#93;&#93; &#123;&#123;action&#125;&#125; &#35;"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shared_page_converts_and_renders(path):
    text = sample(path)
    converted = to_markdown(text, FORMS.get)
    rendered = markup.render(converted.markdown)
    headings = len(re.findall(r"(?<![=\"])={2,6}[^=\n\"]+={2,6}(?![=\"])", text))
    assert len(rendered.headings) >= headings > 0 or path.name == "PageRapideHaut.txt"
    assert "INFO CACHÉE" not in rendered.html and "<script" not in rendered.html
    assert not [w for w in rendered.warnings if "Image sans texte" in w or "Tableau" in w]


def test_the_2011_latin1_page():
    path = YESWIKI / "pages-2011-latin1/ReglesDeFormatage.txt"
    text, legacy = decode(path.read_bytes())
    assert legacy and "Règles de base" in text
    converted = md(text)
    assert converted.startswith("### Guide des règles de formatage\n")
    assert "[les règles de formatage de WikiWikiWeb](http://c2.com/cgi/wiki?TextFormattingRules)" in converted
    assert "dans le [[BacASable]] : c'est un endroit" in converted
    assert "&#42;&#42;Texte en gras !&#42;&#42; ---&gt; **Texte en gras !**" in converted  # raw, then bold
    assert "Texte <del>barré</del> !" in converted and "<code>texte à espacement fixe</code>" in converted
    assert "\n# En-tête énorme\n" in converted and "\n##### Petit en-tête\n" in converted


def test_the_2020_pages():
    home = md(sample(YESWIKI / "pages-2020/PagePrincipale_root_page.txt"))
    assert home.startswith("# Félicitations, votre wiki est installé !\n\nPour vous approprier")
    assert "\n    - d’administrer la [[BazaR|base de données Bazar]]\n" in home
    menu = md(sample(YESWIKI / "pages-2020/PageRapideHaut.txt"))
    assert menu.startswith("> Action YesWiki non reprise : `{{moteurrecherche")
    assert "- [[GererSite|Gestion du site]]\n" in menu and "- <hr>\n" in menu
    rules = md(sample(YESWIKI / "pages-2020/ReglesDeFormatage.txt"))
    assert "#### Accentuation\n\n<pre>" in rules and "<ins>&#95;&#95;Souligné&#95;&#95;</ins>" in rules
    assert '```\n""<iframe width=100% height="1250"' in rules  # %%…%% kept as code, raw HTML shown
    course = md(sample(YESWIKI / "pages-2020/CoursUtilisationYesWiki.txt"))
    assert course.startswith('# Cours sur l\'utilisation de [[YesWiki]]\n\n### Le principe "Wiki"\n')
