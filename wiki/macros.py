"""Page macros: ``{{liste form="initiative" theme="Mobilité"}}`` and friends.

A macro sits alone on its line. ``extract`` swaps each one for a
placeholder paragraph before Markdown runs (lines inside code blocks are
left alone), so the rendered, sanitized HTML of a revision can be cached;
``expand`` replaces the placeholders at view time with live HTML produced
by the renderer registered for that macro name. Parameters are parsed
strictly (``name="value"`` pairs, known names only, bounded sizes); an
unknown macro or a bad parameter becomes a visible, harmless message.

Kernel module: no Flask, no project imports. Domains register renderers in
their ``init_app`` (records registers liste, fiches, formulaire…).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MAX_MACROS = 20
MAX_PARAMS = 12
MAX_VALUE = 200
_LINE = re.compile(
    r"^[ ]{0,3}\{\{\s*([a-z][a-z0-9_]{0,31})((?:\s+[a-z][a-z0-9_]{0,31}\s*=\s*\"[^\"\n]{0,200}\")*)\s*\}\}[ \t]*$"
)
_ANY_MACRO = re.compile(r"^[ ]{0,3}\{\{.*\}\}[ \t]*$")
_PARAM = re.compile(r"([a-z][a-z0-9_]{0,31})\s*=\s*\"([^\"\n]{0,200})\"")
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
PLACEHOLDER = "LIEUDITMACRO{index}X"
_PLACEHOLDER_HTML = re.compile(r"<p>LIEUDITMACRO(\d{1,2})X</p>")


@dataclass(frozen=True)
class MacroCall:
    """One macro written in a page: its name, parameters, or a syntax error."""

    name: str
    params: dict[str, str]
    error: str = ""
    #: The macro as written, shown where live rendering is not wanted (API).
    source: str = ""


@dataclass(frozen=True)
class Renderer:
    """How to render one macro name: allowed parameters and the function."""

    params: frozenset[str]
    render: Callable[[MacroCall, Any], str]
    description: str = ""


_registry: dict[str, Renderer] = {}


def register(name: str, renderer: Renderer) -> None:
    """Register (or replace) the renderer of a macro name."""
    _registry[name] = renderer


def registered() -> dict[str, Renderer]:
    """Return the registered macros by name (for the syntax help)."""
    return dict(_registry)


def extract(text: str) -> tuple[str, list[MacroCall]]:
    """Replace macro lines by placeholders; return the new text and the calls."""
    calls: list[MacroCall] = []
    out: list[str] = []
    fence: str | None = None
    for line in (text or "").split("\n"):
        marker = _FENCE.match(line)
        if fence is not None:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if marker:
            fence = marker.group(1)
            out.append(line)
            continue
        if line.startswith(("    ", "\t")) or not _ANY_MACRO.match(line) or len(calls) >= MAX_MACROS:
            out.append(line)
            continue
        calls.append(parse_line(line))
        out.extend(["", PLACEHOLDER.format(index=len(calls) - 1), ""])
    return "\n".join(out), calls


def parse_line(line: str) -> MacroCall:
    """Parse one macro line strictly."""
    source = line.strip()[:1000]
    match = _LINE.match(line)
    if not match:
        return MacroCall(
            name="?", params={}, error='Syntaxe de macro invalide : écrivez {{nom parametre="valeur"}}.', source=source
        )
    params: dict[str, str] = {}
    for key, value in _PARAM.findall(match.group(2)):
        if key in params:
            return MacroCall(match.group(1), {}, f"Paramètre répété : {key}.", source)
        params[key] = value.strip()[:MAX_VALUE]
    if len(params) > MAX_PARAMS:
        return MacroCall(match.group(1), {}, "Trop de paramètres.", source)
    return MacroCall(match.group(1), params, source=source)


def check(call: MacroCall) -> str:
    """Return an error message for a call, or "" when it can be rendered."""
    if call.error:
        return call.error
    renderer = _registry.get(call.name)
    if renderer is None:
        known = ", ".join(sorted(_registry)) or "aucune"
        return f"Macro inconnue : {call.name}. Macros disponibles : {known}."
    unknown = sorted(set(call.params) - renderer.params)
    if unknown:
        return f"Paramètre inconnu pour {call.name} : {', '.join(unknown)}."
    return ""


def error_html(message: str) -> str:
    """A visible, harmless message in place of a macro that cannot render."""
    return f'<p class="macro-error" role="note">{html.escape(message)}</p>'


def expand(rendered_html: str, calls: list[MacroCall], context: Any) -> str:
    """Replace placeholders with each macro's live HTML (or its error)."""
    if not calls:
        return rendered_html

    def _one(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index >= len(calls):
            return match.group(0)
        call = calls[index]
        problem = check(call)
        if problem:
            return error_html(problem)
        try:
            return _registry[call.name].render(call, context)
        except ValueError as err:  # renderers raise ValueError for bad parameter values
            return error_html(str(err))

    return _PLACEHOLDER_HTML.sub(_one, rendered_html)


def as_source(rendered_html: str, calls: list[MacroCall]) -> str:
    """Replace placeholders with the macros as written (escaped), for the API."""

    def _one(match: re.Match[str]) -> str:
        index = int(match.group(1))
        source = calls[index].source if index < len(calls) else ""
        return f'<p class="macro-source"><code>{html.escape(source)}</code></p>'

    return _PLACEHOLDER_HTML.sub(_one, rendered_html)
