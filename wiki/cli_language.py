"""The language of the ``lieudit`` command line: French in the source, English through the catalog.

Help texts are written in French (the ``help=`` of commands, groups and
options) and defined at import time, before any language is known. The
``lieudit`` group (:mod:`wiki.cli`) picks the language of the run from the
environment (:func:`cli_locale`) and hands out a translated copy of each
command it finds (:func:`localized`): its help, its options' help and its
subcommands go through the gettext catalog of ``wiki/translations``, and
click's own words (usage line, section titles, ``--help``, ``[default: …]``)
through :class:`LocalizedFormatter`. Nothing is changed in place, so commands
defined in any package are translated alike, and ``app.cli`` stays as written.

:func:`extract_help` is the Babel extraction method of the CLI modules
(``babel.cfg``): ``pybabel extract`` then also collects the ``help=`` texts.
It imports nothing of the wiki; it only reads the catalog in ``wiki/translations``.
"""

from __future__ import annotations

import ast
import copy
import gettext
import inspect
import os
import re
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from pathlib import Path
from typing import IO
from typing import Any

import click
from babel.support import Translations

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
#: Checked in this order, like gettext: the first one set decides.
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
#: Where a run keeps its translator (click shares ``meta`` between a context and its children).
META_KEY = "lieudit.translate"
#: Keywords whose string value ``extract_help`` collects.
HELP_KEYWORDS = ("help", "short_help", "epilog")

Translate = Callable[[str], str]


def N_(text: str) -> str:
    """Mark a French text for the catalog, untranslated (it is translated when help is formatted)."""
    return text


#: click's section titles (written by click in English), and ours.
HEADINGS = {"Options": N_("Options :"), "Commands": N_("Commandes :"), "Positional arguments": N_("Arguments :")}
#: Metavars of click's value types, by type name.
METAVARS = {
    "text": N_("TEXTE"),
    "integer": N_("ENTIER"),
    "integer range": N_("ENTIER"),
    "float": N_("NOMBRE"),
    "path": N_("CHEMIN"),
    "file": N_("FICHIER"),
    "filename": N_("FICHIER"),
    "directory": N_("DOSSIER"),
}
SUBCOMMAND_METAVAR = N_("COMMANDE [ARGUMENTS]...")
CLICK_HELP_OPTION = "Show this message and exit."
#: click appends ``  [default: x; required]`` to an option's help.
EXTRAS = re.compile(r"(?:^|  )\[([^\[\]]+)\]$")


def cli_locale(environ: Mapping[str, str] | None = None) -> str:
    """Return ``en`` when the first locale variable set starts with ``en``, else ``fr``."""
    environ = os.environ if environ is None else environ
    value = next((environ[name] for name in LOCALE_VARIABLES if environ.get(name)), "")
    return "en" if value.lower().startswith("en") else "fr"


def load_translate(locale: str) -> Translate:
    """Return the translating function of ``locale`` (the text as written for French or a missing catalog)."""
    catalog: gettext.NullTranslations = gettext.NullTranslations()
    if locale != "fr":
        catalog = Translations.load(str(TRANSLATIONS_DIR), [locale], "messages")

    def translate(text: str) -> str:
        return catalog.gettext(inspect.cleandoc(text))

    return translate


def translate_for(ctx: click.Context) -> Translate:
    """Return the translating function of this run, chosen from the environment on first use."""
    found = ctx.meta.get(META_KEY)
    if found is None:
        found = ctx.meta[META_KEY] = load_translate(cli_locale())
    return found


def _maybe(translate: Translate, text: str | None) -> str | None:
    return translate(text) if text else text


def localized_param(param: click.Parameter, translate: Translate) -> click.Parameter:
    """Return a copy of an option with its help and value placeholder translated."""
    clone = copy.copy(param)
    if isinstance(clone, click.Option):
        clone.help = _maybe(translate, clone.help)
        if clone.metavar is None and not clone.is_flag and clone.type.name in METAVARS:
            clone.metavar = translate(METAVARS[clone.type.name])
    return clone


def localized(command: click.Command, translate: Translate) -> click.Command:
    """Return a copy of ``command``, its options and its subcommands, with their help translated."""
    clone = copy.copy(command)
    clone.help = _maybe(translate, command.help)
    clone.short_help = _maybe(translate, command.short_help)
    clone.epilog = _maybe(translate, command.epilog)
    clone.params = [localized_param(param, translate) for param in command.params]
    clone.context_class = LocalizedContext
    if isinstance(clone, click.Group):  # a copy of a group is a group
        clone.commands = {name: localized(sub, translate) for name, sub in clone.commands.items()}
        if not clone.chain:
            clone.subcommand_metavar = translate(SUBCOMMAND_METAVAR)
    return clone


class LocalizedFormatter(click.HelpFormatter):
    """Write click's own words in the language of the run."""

    def __init__(self, translate: Translate, **kwargs: Any) -> None:
        """Format help with ``translate`` for click's words."""
        super().__init__(**kwargs)
        self.translate = translate

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """Write the usage line, ``Utilisation :`` first."""
        if prefix is None:
            prefix = self.translate(N_("Utilisation :")) + " "
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        """Write a section title (click's titles translated)."""
        text = self.translate(HEADINGS[heading]) if heading in HEADINGS else f"{heading}:"
        self.write(f"{'':>{self.current_indent}}{text}\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        """Write a definition list, click's help option and option extras translated."""
        super().write_dl([(term, self._definition(text)) for term, text in rows], col_max, col_spacing)

    def _definition(self, text: str) -> str:
        if text == CLICK_HELP_OPTION:
            return self.translate(N_("Afficher ce message et quitter."))
        extras = EXTRAS.search(text)
        if extras is None:
            return text
        items = [self._extra(item) for item in extras.group(1).split("; ")]
        return f"{text[: extras.start()]}{'  ' if extras.start() else ''}[{'; '.join(items)}]"

    def _extra(self, item: str) -> str:
        name, colon, value = item.partition(": ")
        if item == "required":
            return self.translate(N_("obligatoire"))
        if colon and name == "default":
            return self.translate(N_("par défaut : %(value)s")) % {"value": value}
        if colon and name == "env var":
            return self.translate(N_("variable d'environnement : %(value)s")) % {"value": value}
        return item


class LocalizedContext(click.Context):
    """A click context whose help is formatted in the language of the run."""

    def make_formatter(self) -> click.HelpFormatter:
        """Return a formatter that translates click's words."""
        return LocalizedFormatter(translate_for(self), width=self.terminal_width, max_width=self.max_content_width)


def extract_help(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str | None, str | tuple[str, ...], list[str]]]:
    """Babel extraction method: the module's ``_()``-style messages, plus its ``help=`` texts.

    Collects every string literal given as ``help=``, ``short_help=`` or
    ``epilog=`` to any call (``click.option``, ``command``, ``AppGroup``…),
    cleaned like click cleans help, so geodata's and importers' commands need
    nothing imported to be translated.
    """
    from babel.messages.extract import extract_python  # a tool for pybabel: not loaded with the app

    # Babel's annotations of extract_python are not what it does, nor what babel.messages.extract.extract
    # passes it: it yields (lineno, funcname, messages, comments), and is given the keywords' names only
    # and the method's options as a plain dict (not the TypedDict it names).
    yield from extract_python(fileobj, keywords, comment_tags, options)  # type: ignore[arg-type,misc]
    fileobj.seek(0)
    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg in HELP_KEYWORDS and isinstance(value, ast.Constant) and isinstance(value.value, str):
                yield value.lineno, None, inspect.cleandoc(value.value), []
