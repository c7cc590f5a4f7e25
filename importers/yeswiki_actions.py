"""YesWiki actions (``{{bazarliste id="1"}}``, ``{{nav …}}``, ``{{attach …}}``…) in Markdown: our macros where
an equivalent exists, links where the action was one, a visible note otherwise.

Pure module, used by :mod:`importers.yeswiki_syntax`. Bazar views become our
macros (see :mod:`wiki.records.macros`, :mod:`geodata.macros`,
:mod:`wiki.agenda.macros`): a list to ``{{liste}}`` or ``{{fiches}}``, a map
to ``{{carte}}``, a calendar to ``{{agenda}}``, an entry form to
``{{formulaire}}``, the Bazar form id read through ``forms`` (our form key,
and whether that form has a date or a place). Layout actions (grid, columns,
sections) carry no content and are dropped; a button or a tab bar becomes
links; an attached file, which a dump does not hold, becomes a note naming it;
anything else is kept as a note quoting the action, escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

#: Actions that only lay out the page: dropped, their content kept.
LAYOUT = frozenset({
    "grid", "col", "end", "accordion", "section", "buttondropdown", "backgroundimage", "endbackgroundimage",
    "label", "tabs", "tab", "panel", "endpanel", "ancre", "anchor", "toc", "mailperiod", "span", "div",
})  # fmt: skip
_PARAM = re.compile(r"([A-Za-z_][\w-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|(\S+))")
_NAME = re.compile(r"\s*([A-Za-z_][\w-]*)")
_CARDS = ("trombinoscope", "card", "blog", "vignette", "material", "galerie", "album", "photo", "news")
_MAPS = ("map", "carto", "gogocarto")
_CALENDARS = ("agenda", "calendar", "calendrier", "timeline")


@dataclass(frozen=True)
class FormRef:
    """Our form made of a Bazar form: its key, and whether it has a date (agenda) and a place (map)."""

    key: str
    dated: bool = False
    located: bool = False


@dataclass(frozen=True)
class Action:
    """One action as written: its name (lower case), parameters and source."""

    name: str
    params: dict[str, str]
    source: str


@dataclass(frozen=True)
class Rendered:
    """An action in Markdown: ``block`` (a macro or a note, alone on its line) or inline text.

    ``kind`` is ``macro``, ``link``, ``layout`` (dropped), ``file`` or ``note`` (not converted).
    """

    text: str
    kind: str
    block: bool = False


def parse_action(source: str) -> Action:
    """Read ``{{name key="value" …}}`` (the braces may be left out)."""
    inner = source.strip()
    inner = inner[2:-2] if inner.startswith("{{") and inner.endswith("}}") else inner
    name = _NAME.match(inner)
    params: dict[str, str] = {}
    if name:
        for match in _PARAM.finditer(inner, name.end()):
            value = next(v for v in match.groups()[1:] if v is not None)
            params.setdefault(match.group(1).lower(), value.strip())
    return Action(name.group(1).lower() if name else "", params, source.strip())


def code_span(text: str) -> str:
    """``text`` as a Markdown code span, whatever backticks it holds."""
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def note(source: str, *, block: bool, reason: str = "Action YesWiki non reprise") -> Rendered:
    """A visible, harmless note quoting what could not be converted."""
    text = f"{reason} : {code_span(source)}"
    return Rendered(f"> {text}" if block else f"*({text[0].lower()}{text[1:]})*", "note", block)


def link_text(text: str) -> str:
    """Text fit for the inside of a link: no brackets, no line breaks."""
    return " ".join(text.replace("[", "(").replace("]", ")").replace("|", "/").split())


def link(target: str, text: str = "") -> str:
    """A Markdown link: ``[text](url)`` for an address, ``[[Page|text]]`` for a page of the wiki."""
    target, text = target.strip(), link_text(text)
    if re.match(r"(?:https?|ftp)://|mailto:", target, re.I):
        url = target.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
        return f"[{text or url}]({url})"
    page = re.split(r"[/#?&]", target, maxsplit=1)[0]
    if not page:
        return text
    return f"[[{page}|{text}]]" if text and text != page else f"[[{page}]]"


def _bazar(action: Action, forms: Callable[[str], FormRef | None]) -> Rendered | None:
    """A Bazar view as our list, cards, map, agenda or entry-form macro (None: unknown form)."""
    params = action.params
    ident = (params.get("id") or params.get("idtypeannonce") or params.get("form") or "").split(",")[0].strip()
    form = forms(ident) if ident else None
    if form is None:
        return None
    template = params.get("template", "").lower()
    view = params.get("vue", "").lower()
    if (action.name == "bazar" and view in ("saisir", "formulaire")) or action.name == "bazarformulaire":
        return Rendered(f'{{{{formulaire form="{form.key}"}}}}', "macro", True)
    if form.located and (action.name == "bazarcarto" or any(word in template for word in _MAPS)):
        return Rendered(f'{{{{carte form="{form.key}"}}}}', "macro", True)
    calendar = action.name in ("calendrier", "bazarcalendrier", "bazaragenda") or "agenda" in params
    if form.dated and (calendar or any(word in template for word in _CALENDARS)):
        return Rendered(f'{{{{agenda form="{form.key}"}}}}', "macro", True)
    macro = "fiches" if any(word in template for word in _CARDS) else "liste"
    number = params.get("nb") or params.get("nbitem") or ""
    extra = f' nombre="{number}"' if number.isdigit() and 1 <= int(number) <= 100 else ""
    return Rendered(f'{{{{{macro} form="{form.key}"{extra}}}}}', "macro", True)


def _nav(action: Action) -> Rendered:
    targets = [t.strip() for t in action.params.get("links", "").split(",") if t.strip()]
    titles = [t.strip() for t in action.params.get("titles", "").split(",")]
    links = [link(target, titles[i] if i < len(titles) else "") for i, target in enumerate(targets)]
    return Rendered(" · ".join(links), "link")


def _attach(action: Action) -> Rendered:
    name, desc = action.params.get("file", ""), action.params.get("desc", "")
    if re.match(r"https?://", name):
        return Rendered(f"![{link_text(desc or name)}]({name.replace(' ', '%20')})", "link")
    what = f"{name} — {desc}" if desc and desc != name else name
    return Rendered(f"*(fichier joint non repris : {link_text(what) or '?'})*", "file")


def render_action(source: str, forms: Callable[[str], FormRef | None], *, block: bool) -> Rendered:
    """Convert one action; ``block``: it stands alone on its line (only then may it become a macro)."""
    action = parse_action(source)
    name, params = action.name, action.params
    if (name.startswith("bazar") or name == "calendrier") and (params.get("id") or params.get("idtypeannonce")):
        rendered = _bazar(action, forms)
        if rendered is not None:
            return rendered if block else note(source, block=False, reason="Vue Bazar au milieu d'une ligne")
        return note(source, block=block, reason="Vue Bazar d'un formulaire inconnu")
    if name == "panel" and params.get("title"):
        return Rendered(f"**{link_text(params['title'])}**", "layout", block)
    if name in LAYOUT:
        return Rendered("", "layout", block)
    if name == "nav" and params.get("links"):
        return _nav(action)
    if name == "button":
        target = params.get("link", "")
        text = params.get("text") or params.get("title") or target
        return Rendered(link(target, text) if target else link_text(text), "link")
    if name == "attach":
        return _attach(action)
    if name in ("include", "redirect") and params.get("page"):
        verb = "Page incluse" if name == "include" else "Cette page redirigeait vers"
        return Rendered(f"{'> ' if block else ''}*{verb} : {link(params['page'])}*", "link", block)
    return note(source, block=block)
