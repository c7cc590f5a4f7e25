"""Turn the pages of a live wiki into files of a static copy: file names, relative links, no forms.

Pure: no Flask, no database. :func:`file_for` names the file of an address;
:func:`rewrite_html` makes every link of a page relative to its file (links to
what the copy does not hold lose their ``href``, and stylesheets or icons to
nowhere go), removes scripts and forms (nothing in the copy answers them), and
replaces the search box with a link to the page index.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import unquote
from urllib.parse import urlsplit

#: Query parameters kept in a copy (pagination); an address with any other is left out.
KEPT_PARAMS = frozenset({"page"})
_ATTRIBUTE = re.compile(r"""\s(href|src|srcset|action|formaction)=("[^"]*"|'[^']*')""", re.IGNORECASE)
_TAG = re.compile(r"<(a|link|img|script|source|iframe|area|form|button|input)\b[^>]*>", re.IGNORECASE)
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)
_SEARCH_FORM = re.compile(r"<form\b[^>]*role=\"search\"[^>]*>.*?</form\s*>", re.IGNORECASE | re.DOTALL)
_FORM = re.compile(r"<form\b[^>]*>.*?</form\s*>", re.IGNORECASE | re.DOTALL)
_DROPPED_LINK = re.compile(r"<a data-snapshot-drop>.*?</a\s*>", re.IGNORECASE | re.DOTALL)
_SEARCH_MARK = "<!--lieudit-snapshot-search-->"
#: What ``resolve`` returns for a link to remove with its text (a server's tool: log in, edit, history).
DROP = ""
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")
#: Types whose address has no extension get one (HTML pages get ``.html``).
_EXTENSIONS = {"text/html": ".html", "application/json": ".json", "text/plain": ".txt", "application/xml": ".xml"}


def normal_address(path: str, query: str) -> str | None:
    """Return ``path`` with only the kept parameters of ``query``, or None when it has others."""
    params = parse_qsl(query, keep_blank_values=True)
    if any(name not in KEPT_PARAMS for name, _value in params):
        return None
    kept = "&".join(f"{name}={quote(value)}" for name, value in sorted(params) if value)
    return f"{path}?{kept}" if kept else path


def file_for(address: str, mimetype: str) -> str:
    """Return the file, relative to the copy's root, that holds ``address`` (a path and kept query)."""
    path, _sep, query = address.partition("?")
    name = unquote(path).strip("/") or "index"
    name = "/".join(part if part not in ("", ".", "..") else "_" for part in name.split("/"))
    if query:
        name += "-" + re.sub(r"[^A-Za-z0-9]+", "-", query).strip("-")
    if mimetype == "text/html":
        return name + ".html"
    if not _EXTENSION.search(name):
        name += _EXTENSIONS.get(mimetype, ".bin")
    return name


def relative_href(from_file: str, to_file: str, fragment: str = "") -> str:
    """Return the link from the file ``from_file`` to ``to_file`` (both relative to the root)."""
    target = posixpath.relpath(to_file, posixpath.dirname(from_file) or ".")
    href = quote(target, safe="/-._~")
    return f"{href}#{fragment}" if fragment else href


def rewrite_html(
    text: str,
    page_file: str,
    resolve: Callable[[str], str | None],
    *,
    own_hosts: frozenset[str],
    index_file: str,
    index_label: str,
) -> str:
    """Rewrite a page of the copy held in ``page_file``.

    ``resolve(url)`` returns the file (relative to the root) an address of the
    page leads to, or None when the copy does not hold it; ``url`` is the
    attribute's value, HTML-unescaped. The search form becomes a link to
    ``index_file`` labelled ``index_label``.
    """
    search_link = (
        f'<p class="search"><a href="{relative_href(page_file, index_file)}">{html.escape(index_label)}</a></p>'
    )
    text = _SEARCH_FORM.sub(_SEARCH_MARK, text, count=1)
    text = _SCRIPT.sub("", text)
    text = _FORM.sub("", text)

    def tag(match: re.Match[str]) -> str:
        whole, name = match.group(0), match.group(1).lower()
        dropped = ""

        def attribute(found: re.Match[str]) -> str:
            nonlocal dropped
            attr, raw = found.group(1).lower(), found.group(2)[1:-1]
            if attr in ("srcset", "action", "formaction"):
                return ""
            url = html.unescape(raw)
            if is_outside(url, own_hosts):
                return found.group(0)
            fragment = urlsplit(url).fragment
            target = resolve(url)
            if target is None or target == DROP:
                dropped = "element" if target == DROP else "link"
                return ""
            return f' {attr}="{html.escape(relative_href(page_file, target, fragment))}"'

        new = _ATTRIBUTE.sub(attribute, whole)
        if dropped and name in ("link", "img", "source", "iframe"):
            return ""  # a stylesheet, icon or image the copy does not hold: nothing to point at
        if dropped == "element" and name == "a":
            return "<a data-snapshot-drop>"
        return new

    text = _DROPPED_LINK.sub("", _TAG.sub(tag, text))
    return text.replace(_SEARCH_MARK, search_link, 1)


def is_outside(url: str, own_hosts: frozenset[str]) -> bool:
    """Tell whether ``url`` leaves the site or stays in the document (another site, mail, phone, an anchor)."""
    if url.startswith("#"):
        return True
    parts = urlsplit(url)
    if parts.scheme.lower() in ("mailto", "tel", "data", "geo", "sms"):
        return True
    return bool(parts.netloc) and parts.netloc.lower() not in own_hosts
