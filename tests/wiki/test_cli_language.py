"""The command line's language (wiki.cli_language): locale choice, translated copies, click's words, extraction."""

from __future__ import annotations

import io

import click
import pytest

from wiki.cli_language import META_KEY
from wiki.cli_language import LocalizedContext
from wiki.cli_language import cli_locale
from wiki.cli_language import extract_help
from wiki.cli_language import load_translate
from wiki.cli_language import localized


@pytest.mark.parametrize(
    ("environ", "locale"),
    [
        ({}, "fr"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, "fr"),
        ({"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "EN_gb", "LANG": "fr_FR"}, "en"),
        ({"LANGUAGE": "fr:en", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LC_ALL": "fr_FR.UTF-8", "LC_MESSAGES": "en_US.UTF-8"}, "fr"),
    ],
)
def test_the_first_locale_variable_set_decides(environ, locale):
    assert cli_locale(environ) == locale


def test_french_and_a_missing_catalog_give_the_text_as_written():
    assert load_translate("fr")("Créer un compte.") == "Créer un compte."
    assert load_translate("xx")("Créer un compte.") == "Créer un compte."
    assert load_translate("en")("Créer un compte.") == "Create an account."


def _group() -> click.Group:
    @click.group(help="Gérer les exemples.")
    def group() -> None:
        """Developer docstring, not the help."""

    @group.command("faire", help="Faire un exemple.")
    @click.option("--taille", type=int, default=3, show_default=True, required=True, help="Taille.")
    @click.option("--nom", envvar="NOM", show_envvar=True, help="Nom.")
    def make(taille: int, nom: str | None) -> None:
        """Make an example."""

    return group


def _help(command: click.Command, translate=lambda text: text) -> str:
    ctx = LocalizedContext(command, info_name=command.name)
    ctx.meta[META_KEY] = translate
    return ctx.get_help()


def test_a_translated_copy_leaves_the_command_as_written():
    group = _group()
    copy = localized(group, str.upper)
    assert copy.help == "GÉRER LES EXEMPLES." and copy.commands["faire"].help == "FAIRE UN EXEMPLE."
    assert [p.help for p in copy.commands["faire"].params] == ["TAILLE.", "NOM."]
    assert group.help == "Gérer les exemples." and group.commands["faire"].help == "Faire un exemple."
    assert [p.help for p in group.commands["faire"].params] == ["Taille.", "Nom."]
    assert group.context_class is click.Context and copy.context_class is LocalizedContext


def test_click_words_are_written_in_french():
    command = localized(_group(), lambda text: text).commands["faire"]
    text = _help(command)
    assert text.startswith("Utilisation : faire [OPTIONS]\n\n  Faire un exemple.\n\nOptions :\n")
    assert "--taille ENTIER  Taille.  [par défaut : 3; obligatoire]" in text
    assert "--nom TEXTE      Nom.  [variable d'environnement : NOM]" in text
    assert "--help           Afficher ce message et quitter." in text


def test_click_words_are_written_in_english_through_the_catalog():
    translate = load_translate("en")
    text = _help(localized(_group(), translate).commands["faire"], translate)
    assert text.startswith("Usage: faire [OPTIONS]\n\n  Faire un exemple.\n\nOptions:\n")  # not in the catalog
    assert "--taille INTEGER  Taille.  [default: 3; required]" in text
    assert "--nom TEXT        Nom.  [env var: NOM]" in text
    assert "--help            Show this message and exit." in text


def test_extraction_collects_help_texts_and_ordinary_messages():
    source = '''
import click
from flask_babel import gettext as _
group = AppGroup("exemples", help="Gérer les exemples.")
@group.command("faire", help="""
    Faire un exemple.

    En détail.
""")
@click.option("--nom", help="Nom " "de l'exemple.")
@click.option("--autre", help=f"Pas {extractible}.")
def make(nom):
    """Docstring, not extracted."""
    print(_("Fait."))
'''
    found = [message for _, _, message, _ in extract_help(io.BytesIO(source.encode()), {"_": None}, [], {})]
    assert sorted(found) == ["Faire un exemple.\n\nEn détail.", "Fait.", "Gérer les exemples.", "Nom de l'exemple."]
