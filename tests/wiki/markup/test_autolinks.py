"""Bare URLs become links; no emphasis inside a URL; autolinks keep their href (issue 14, item 12).

GFM autolink extension examples, hostile URLs, and the sanitizer's handling of
hosts its URL parser refuses (punycode that does not decode, for one).
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest

from wiki.markup import render
from wiki.markup.sanitizer import sanitize

EXTERNAL = "nofollow ugc noopener"


class _Anchors(HTMLParser):
    """Collect every start tag, and each <a>'s attributes and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.anchors: list[tuple[dict[str, str], str]] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        if tag == "a":
            self.anchors.append((self.tags[-1][1], ""))
            self._open = []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            attrs, _ = self.anchors[-1]
            self.anchors[-1] = (attrs, "".join(self._open))
            self._open = None


def parse(fragment: str) -> _Anchors:
    parser = _Anchors()
    parser.feed(fragment)
    parser.close()
    return parser


def links(source: str) -> list[tuple[str, str]]:
    """(href, text) of every link *source* renders to; external ones must carry rel."""
    found = []
    for attrs, text in parse(render(source).html).anchors:
        if attrs.get("href", "").startswith(("http:", "https:")):
            assert attrs.get("rel") == EXTERNAL, attrs
        found.append((attrs.get("href"), text))
    return found


# --- the examples of the issue --------------------------------------------------


def test_bare_url_is_linked_without_emphasis_inside():
    out = render("http://example.org/foo._bar_-_baz").html
    assert "<em>" not in out
    assert links("http://example.org/foo._bar_-_baz") == [
        ("http://example.org/foo._bar_-_baz", "http://example.org/foo._bar_-_baz")
    ]


def test_punycode_autolink_keeps_its_href():
    assert links("<http://xn--xn.com/>") == [("http://xn--xn.com/", "http://xn--xn.com/")]


@pytest.mark.parametrize(
    "url",
    [
        "http://xn--xn.com/",
        "http://xn--/",
        "http://xn--bcher-kva.example/",
        "http://bücher.example/livres",
        "http://example.org:99999/port-hors-limites",
        "https://example.org:8443/a?b=1&c=2#fragment",
        "https://fr.wikipedia.org/wiki/Redon_(Ille-et-Vilaine)",
    ],
)
def test_every_autolink_keeps_its_href(url):
    assert links(f"<{url}>") == [(url, url)]
    assert links(url) == [(url, url)]
    assert links(f"[texte]({url})") == [(url, "texte")]


# --- GFM autolink extension (spec examples 621-635, trailing punctuation) --------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("www.commonmark.org", [("http://www.commonmark.org", "www.commonmark.org")]),
        (
            "Visit www.commonmark.org/help for more information.",
            [("http://www.commonmark.org/help", "www.commonmark.org/help")],
        ),
        ("Visit www.commonmark.org.", [("http://www.commonmark.org", "www.commonmark.org")]),
        ("Visit www.commonmark.org/a.b.", [("http://www.commonmark.org/a.b", "www.commonmark.org/a.b")]),
        (
            "www.google.com/search?q=Markup+(business)",
            [("http://www.google.com/search?q=Markup+(business)", "www.google.com/search?q=Markup+(business)")],
        ),
        (
            "www.google.com/search?q=Markup+(business)))",
            [("http://www.google.com/search?q=Markup+(business)", "www.google.com/search?q=Markup+(business)")],
        ),
        (
            "(www.google.com/search?q=Markup+(business))",
            [("http://www.google.com/search?q=Markup+(business)", "www.google.com/search?q=Markup+(business)")],
        ),
        (
            "(www.google.com/search?q=Markup+(business)",
            [("http://www.google.com/search?q=Markup+(business)", "www.google.com/search?q=Markup+(business)")],
        ),
        (
            "www.google.com/search?q=(business))+ok",
            [("http://www.google.com/search?q=(business))+ok", "www.google.com/search?q=(business))+ok")],
        ),
        (
            "www.google.com/search?q=commonmark&hl=en",
            [("http://www.google.com/search?q=commonmark&hl=en", "www.google.com/search?q=commonmark&hl=en")],
        ),
        (
            "www.google.com/search?q=commonmark&hl;",
            [("http://www.google.com/search?q=commonmark", "www.google.com/search?q=commonmark")],
        ),
        ("www.commonmark.org/he<lp", [("http://www.commonmark.org/he", "www.commonmark.org/he")]),
        (
            "(Visit https://encrypted.google.com/search?q=Markup+(business))",
            [
                (
                    "https://encrypted.google.com/search?q=Markup+(business)",
                    "https://encrypted.google.com/search?q=Markup+(business)",
                )
            ],
        ),
        (
            "Voir http://a.example/x?, http://b.example/y! et http://c.example/z: fin",
            [
                ("http://a.example/x", "http://a.example/x"),
                ("http://b.example/y", "http://b.example/y"),
                ("http://c.example/z", "http://c.example/z"),
            ],
        ),
        ("« http://example.org/a_b_ »", [("http://example.org/a_b", "http://example.org/a_b")]),
        ("http://localhost:5000/pages", [("http://localhost:5000/pages", "http://localhost:5000/pages")]),
    ],
)
def test_gfm_autolink_examples(source, expected):
    assert links(source) == expected


def test_trailing_punctuation_stays_text():
    out = render("Visit www.commonmark.org. Et (https://example.org/a).").html
    assert out.endswith(
        '</a>. Et (<a href="https://example.org/a" rel="nofollow ugc noopener">https://example.org/a</a>).</p>'
    )


def test_emphasis_around_a_url_still_applies():
    out = render("**https://example.org/a_b** et _http://example.org/c_d_").html
    assert "<strong><a " in out and "</a></strong>" in out
    assert "<em><a " in out and "</a></em>" in out
    assert [href for href, _ in links("**https://example.org/a_b** et _http://example.org/c_d_")] == [
        "https://example.org/a_b",
        "http://example.org/c_d",
    ]


def test_urls_in_headings_lists_and_tables_are_linked():
    source = "## Voir https://example.org/h\n\n- www.example.org/l\n\n| a |\n|---|\n| http://example.org/t |\n"
    assert [href for href, _ in links(source)] == [
        "https://example.org/h",
        "http://www.example.org/l",
        "http://example.org/t",
    ]


@pytest.mark.parametrize(
    "source",
    [
        "http://",
        "https:// example.org",
        "www.",
        "www. example.org",
        "wwww.example.org",
        "ftp://example.org/fichier",
        "foohttp://example.org",
        "contact@example.org",
        "www.example.org_x",
    ],
)
def test_things_that_are_not_urls_stay_text(source):
    assert links(source) == []


# --- what must not be touched --------------------------------------------------


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("`http://example.org/a_b_`", "<code>http://example.org/a_b_</code>"),
        ("    http://example.org/a_b_\n", "<pre><code>http://example.org/a_b_\n</code></pre>"),
        ("```\nwww.example.org/_x_\n```\n", "<pre><code>www.example.org/_x_\n</code></pre>"),
    ],
)
def test_urls_in_code_are_left_alone(source, fragment):
    out = render(source).html
    assert fragment in out
    assert "<a" not in out


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "[http://example.org/texte](http://example.org/cible)",
            [("http://example.org/cible", "http://example.org/texte")],
        ),
        ("[voir www.example.org](/pages/accueil)", [("/pages/accueil", "voir www.example.org")]),
        ("<http://example.org/a_b_>", [("http://example.org/a_b_", "http://example.org/a_b_")]),
        (
            '<a href="http://example.org/cible">http://example.org/texte</a>',
            [("http://example.org/cible", "http://example.org/texte")],
        ),
        ("[[Page|http://example.org/x]]", [("/pages/page", "http://example.org/x")]),
        ("[ref]\n\n[ref]: http://example.org/def", [("http://example.org/def", "ref")]),
    ],
)
def test_urls_in_links_are_not_linked_twice(source, expected):
    assert links(source) == expected


def test_url_after_a_raw_html_link_is_linked():
    source = (
        '<a href="/pages/a">voir http://example.org/dedans</a> puis http://example.org/dehors <b>www.example.org</b>'
    )
    assert links(source) == [
        ("/pages/a", "voir http://example.org/dedans"),
        ("http://example.org/dehors", "http://example.org/dehors"),
        ("http://www.example.org", "www.example.org"),
    ]


def test_urls_in_raw_html_attributes_are_left_alone():
    out = render('<img alt="x" title="voir http://example.org/a_b_ ici" src="/i.png">').html
    [attrs] = [attrs for tag, attrs in parse(out).tags if tag == "img"]
    assert attrs["title"] == "voir http://example.org/a_b_ ici"


def test_image_alt_text_is_not_linked():
    out = render("![www.example.org](/i.png)").html
    assert [tag for tag, _ in parse(out).tags] == ["p", "img"]
    assert parse(out).tags[1][1]["alt"] == "www.example.org"


# --- hostile URLs --------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "javascript:alert(1)",
        "JavaScript://example.org/%0Aalert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
    ],
)
def test_dangerous_schemes_are_never_linked(source):
    assert links(source) == []


@pytest.mark.parametrize(
    "source",
    [
        'http://a.b/"onmouseover=alert(1)',
        "http://a.b/'onmouseover=alert(1)",
        'www.example.org/"><img src=x onerror=alert(1)>',
        "http://a.b/<script>alert(1)</script>",
        'http://a.b/x" style="position:fixed',
        "https://example.org/&quot;onmouseover=alert(1)",
        "http://a.b/\u202egnp.exe",
    ],
)
def test_hostile_urls_stay_harmless(source):
    out = render(source).html
    page = parse(out)
    for tag, attrs in page.tags:
        assert tag in {"p", "a", "img"}, out
        assert not any(name.startswith("on") or name == "style" for name in attrs), out
    assert "<script" not in out
    for attrs, _text in page.anchors:
        assert set(attrs) == {"href", "rel"}, out
        assert attrs["href"].startswith(("http://", "https://")), out


def test_quote_in_a_bare_url_is_escaped_in_href():
    [(href, text)] = links('http://a.b/"onmouseover=alert(1)')
    assert href == text == 'http://a.b/"onmouseover=alert(1)'
    assert 'href="http://a.b/&quot;onmouseover=alert(1)"' in render('http://a.b/"onmouseover=alert(1)').html


# --- sanitizer: trusted hrefs ----------------------------------------------------


def test_sanitizer_restores_only_web_urls_it_was_given():
    fragment = '<a href="#k1">a</a><a href="#k2">b</a><a href="#k3">c</a>'
    hrefs = {"#k1": "http://xn--xn.com/?a=1&b=2", "#k2": "javascript:alert(1)", "#k3": " http://x.example"}
    out = sanitize(fragment, hrefs)
    assert parse(out).anchors == [
        ({"href": "http://xn--xn.com/?a=1&b=2", "rel": EXTERNAL}, "a"),
        ({"href": "#k2"}, "b"),
        ({"href": "#k3"}, "c"),
    ]
    assert html.escape("?a=1&b=2") in out


def test_raw_html_links_are_checked_as_before():
    # Only Markdown's own links go through the trusted hrefs; raw HTML meets nh3 alone.
    [(attrs, _)] = parse(render('<a href="javascript:alert(1)">x</a>').html).anchors
    assert "href" not in attrs
    out = render('<a href="#lieudit-href-0-0">x</a> <http://xn--xn.com/>').html
    assert [attrs["href"] for attrs, _ in parse(out).anchors] == ["#lieudit-href-0-0", "http://xn--xn.com/"]
