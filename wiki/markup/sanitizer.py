"""The HTML allowlist every rendered text goes through (nh3, the Rust ammonia binding).

Pure module: part of :mod:`wiki.markup`. Tags, attributes, classes and URL
schemes are allowlisted; ids are ours only (no DOM clobbering); external
links get ``rel="nofollow ugc noopener"`` and may not pose as wiki links.
nh3 drops every href its URL parser refuses, bad host or port included
(``http://xn--xn.com/``): the web hrefs of Markdown's own links reach it as
placeholders (:mod:`wiki.markup.autolinks`) and are put back after it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import nh3

_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")  # browsers drop these inside schemes
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_SAFE_ID = re.compile(r"(?:s-|fn:|fnref:)[\w:.-]{1,200}")  # only our ids: no DOM clobbering
_LANG_CLASS = re.compile(r"language-[\w#+.-]{1,40}")
_A_TAG = re.compile(r"<a\b([^>]*)>")  # nh3 escapes < and > inside attribute values
_HREF = re.compile(r'\shref="([^"]*)"')
_CLASS = re.compile(r'\sclass="[^"]*"')
# An http(s) URL as browsers read it, with nothing they would skip or strip.
_WEB_URL = re.compile(r"(?i:https?)://[^\x00-\x20\x7f]+")

_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "img",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "em",
    "strong",
    "b",
    "i",
    "s",
    "del",
    "ins",
    "mark",
    "small",
    "kbd",
    "hr",
    "br",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
    "div",
    "span",
    "abbr",
    "dl",
    "dt",
    "dd",
}
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    # Removed with their content, not just unwrapped: their text is code, not prose.
    clean_content_tags={
        "script",
        "style",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "noscript",
        "textarea",
        "title",
        "xmp",
        "noembed",
        "noframes",
    },
    attributes={
        "a": {"href", "title", "id"},
        "img": {"src", "alt", "title", "width", "height"},
        "code": {"class"},
        "ol": {"start"},
        "li": {"id"},
        "sup": {"id"},
        "div": {"id"},
        "abbr": {"title"},
        "th": {"colspan", "rowspan"},
        "td": {"colspan", "rowspan"},
        **{h: {"id"} for h in _HEADING_TAGS},
    },
    tag_attribute_values={t: {"align": {"left", "right", "center"}} for t in ("th", "td")},
    set_tag_attribute_values={"img": {"loading": "lazy"}},
    allowed_classes={"a": {"wikilink", "footnote-ref", "footnote-backref"}, "div": {"footnote", "toc"}},
    url_schemes={"http", "https", "mailto"},
    link_rel=None,  # added below for external links only, never for wiki links
    strip_comments=True,
    attribute_filter=lambda tag, attr, value: _filter_attribute(tag, attr, value),
)


def _scheme(url: str) -> str:
    """Return the lower-cased URL scheme as a browser would see it ("" if relative)."""
    match = _SCHEME.match(_URL_NOISE.sub("", url))
    return match.group(1).lower() if match else ""


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    """nh3 hook: allowlist URL schemes per tag, our id prefixes and code classes."""
    if attr == "id":
        return value if _SAFE_ID.fullmatch(value) else None
    if attr in ("href", "src"):
        allowed = ("", "http", "https") if tag == "img" else ("", "http", "https", "mailto")
        return value if _scheme(value) in allowed else None
    if tag == "code" and attr == "class":
        return " ".join(c for c in value.split() if _LANG_CLASS.fullmatch(c)) or None
    return value


def _is_external(url: str) -> bool:
    """Tell whether *url* leaves the site (absolute http(s) or scheme-relative)."""
    url = _URL_NOISE.sub("", url)
    # Browsers read a backslash as a slash, so "/\\evil.tld" is "//evil.tld".
    return url.replace("\\", "/").startswith("//") or _scheme(url) in ("http", "https")


def is_web_url(url: str) -> bool:
    """Tell whether *url* is plainly http(s): the scheme first, no space or control anywhere."""
    return _WEB_URL.fullmatch(url) is not None


def _mark_external(match: re.Match[str], hrefs: Mapping[str, str]) -> str:
    """Put a trusted href back; add rel=nofollow to an external <a>, which may not pose as a wiki link."""
    attrs = match.group(1)
    href = _HREF.search(attrs)
    if href is None:
        return match.group(0)
    url = hrefs.get(href.group(1), "")
    if is_web_url(url):
        attrs = f"{attrs[: href.start(1)]}{html.escape(url)}{attrs[href.end(1) :]}"
    else:
        url = html.unescape(href.group(1))
    if not _is_external(url):
        return f"<a{attrs}>"
    return f'<a{_CLASS.sub("", attrs)} rel="nofollow ugc noopener">'


def sanitize(fragment: str, hrefs: Mapping[str, str] | None = None) -> str:
    """Return *fragment* reduced to the allowlist, *hrefs* placeholders resolved, external links marked."""
    trusted = hrefs or {}
    return _A_TAG.sub(lambda match: _mark_external(match, trusted), _CLEANER.clean(fragment))
