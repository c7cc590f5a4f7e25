"""One Markdown converter per thread, reused text after text, renders exactly as a fresh one (issue 13).

``wiki.markup.render`` converts with its thread's :class:`WikiConverter`
instead of building a ``markdown.Markdown`` per text. The HTML, table of
contents, links, headings and warnings of every demo page, of the shared
MediaWiki and YesWiki samples (converted by their importers) and of the
shared Markdown and XSS corpora are compared with those of a converter built
for that text alone, also right after texts that raised or were refused; the
state one text leaves (wiki links, section ids, footnotes, hrefs, raw links
open) never reaches the next; two threads render at once without mixing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from importers import wikitext
from importers import yeswiki_syntax
from importers.mediawiki_xml import DumpError
from importers.mediawiki_xml import read_dump
from tests.shared import DATA
from wiki.demo import PAGES_DIR
from wiki.demo import parse_front_matter
from wiki.markup import MAX_MARKUP_BYTES
from wiki.markup import MarkupTooLarge
from wiki.markup import Rendered
from wiki.markup import extensions
from wiki.markup import render
from wiki.markup.extensions import converter
from wiki.markup.extensions import give_back


def _mediawiki_texts() -> Iterator[str]:
    """Every revision of the shared MediaWiki samples, converted to Markdown by the importer."""
    folder = DATA / "mediawiki-xml"
    for path in sorted(folder.glob("*.xml")):
        try:
            for page in read_dump(path):
                for revision in page.revisions:
                    yield wikitext.to_markdown(revision.text or "").markdown
        except DumpError:  # the malformed sample: the pages read before the error
            continue
    for path in sorted((folder / "wikitext-fr").glob("*.wiki")):
        yield wikitext.to_markdown(path.read_text(encoding="utf-8")).markdown


def _yeswiki_texts() -> Iterator[str]:
    """The shared YesWiki pages, converted to Markdown by the importer."""
    for path in sorted((DATA / "yeswiki").glob("pages-*/*.txt")):
        raw = path.read_bytes()
        text = raw.decode("latin-1") if "latin1" in path.parent.name else raw.decode("utf-8")
        yield yeswiki_syntax.to_markdown(text).markdown


def _markdown_texts() -> Iterator[str]:
    """The shared Markdown corpora: CommonMark's examples, markdown-it's fixtures whole, the XSS vectors."""
    folder = DATA / "markdown"
    yield from (case["markdown"] for case in json.loads((folder / "commonmark-spec.json").read_text("utf-8")))
    yield from (path.read_text(encoding="utf-8") for path in sorted(folder.glob("markdown-it_*.md")))
    bleach = json.loads((folder / "xss/bleach_xss_vectors_mainline.json").read_text(encoding="utf-8"))
    yield from (case["input"] for case in bleach["cases"])


def _corpus() -> list[str]:
    demo = [parse_front_matter(path.read_text(encoding="utf-8"))[1] for path in sorted(PAGES_DIR.glob("*.md"))]
    return [*demo, *_mediawiki_texts(), *_yeswiki_texts(), *_markdown_texts()]


CORPUS = _corpus()


def _page_url(slug: str) -> str:
    return f"/wiki/{slug}?v=1"


def fresh_render(text: str) -> Rendered:
    """Render *text* in a new thread, hence with a converter built for it alone."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(render, text, page_url=_page_url).result()


def _failing_url(slug: str) -> str:
    raise LookupError(slug)


def _fail_midway() -> None:
    """A text whose conversion raises halfway (its page URL maker fails on the second link)."""
    with pytest.raises(LookupError):
        render("# Titre\n\n* [[A]] [x](https://a.fr)[^n]\n\n> [[B]]\n\n[^n]: note", page_url=_failing_url)


def _refused() -> None:
    """A text refused before any conversion."""
    with pytest.raises(MarkupTooLarge):
        render("x" * (MAX_MARKUP_BYTES + 1))


@pytest.fixture(scope="module")
def fresh() -> list[Rendered]:
    return [fresh_render(text) for text in CORPUS]


def test_corpus_holds_every_source():
    assert len(CORPUS) > 700  # CommonMark alone has 652 examples
    assert sum("[[" in text for text in CORPUS) > 20  # wiki links from the imported samples


def test_reused_converter_renders_every_text_as_a_fresh_one(fresh):
    # In the test's own thread: one converter for the whole corpus, disturbed now and then.
    for number, (text, expected) in enumerate(zip(CORPUS, fresh, strict=True)):
        if number % 50 == 1:
            _fail_midway()
        elif number % 50 == 2:
            _refused()
        assert render(text, page_url=_page_url) == expected, f"text {number}: {text[:200]!r}"


def test_reused_converter_renders_the_corpus_backwards_too(fresh):
    # Each text now follows a different one than above.
    for number in reversed(range(len(CORPUS))):
        assert render(CORPUS[number], page_url=_page_url) == fresh[number], f"text {number}"


def test_patterns_skipped_for_want_of_their_needle_would_not_have_matched(fresh, monkeypatch):
    # Each inline pattern of _NEEDLES runs only on text nodes holding its substring: same renderings without.
    monkeypatch.setattr(extensions, "_NEEDLES", {})
    differing = [n for n, text in enumerate(CORPUS) if fresh_render(text) != fresh[n]]
    assert differing == []


def test_two_threads_render_at_once_without_mixing(fresh):
    halves = list(range(0, len(CORPUS), 2)), list(range(1, len(CORPUS), 2))
    barrier = threading.Barrier(2)

    def run(numbers: list[int]) -> list[int]:
        barrier.wait()
        return [n for _round in range(2) for n in numbers if render(CORPUS[n], page_url=_page_url) != fresh[n]]

    with ThreadPoolExecutor(max_workers=2) as pool:
        mixed = [n for wrong in pool.map(run, halves) for n in wrong]
    assert mixed == []


@pytest.mark.parametrize(
    ("before", "text"),
    [
        ("[[Alpha]] et [[Beta]]", "[[Gamma]]"),  # links found
        ("## Horaires\n\n## Horaires", "## Horaires"),  # section ids numbered per text
        ("Voir[^1].\n\n[^1]: Une note.", "Voir[^1].\n\n[^1]: Une note."),  # footnote numbers and ids
        ("[ref]: https://a.fr\n\n[lien][ref]", "[lien][ref]"),  # reference definitions
        ('<a href="/p">http://a.fr', "<b>x</b> http://b.fr"),  # a raw link left open
        ("[x](https://a.fr) [y](http://b.fr)", '<a href="#lieudit-href-0">z</a> [w](https://c.fr)'),  # hrefs
        ("<div>\n\nouvert", "fermé</div>"),  # raw HTML blocks
    ],
)
def test_nothing_of_a_text_reaches_the_next(before, text):
    render(before, page_url=_page_url)
    assert render(text, page_url=_page_url) == fresh_render(text)


def test_links_are_those_of_each_text():
    assert render("[[Alpha]] [[Beta]]").links == {"alpha", "beta"}
    assert render("[[Gamma]]").links == {"gamma"}
    _fail_midway()
    assert render("Sans lien.").links == frozenset()


def test_each_thread_keeps_one_converter_and_a_failure_drops_it():
    render("Un texte.")
    kept = converter()
    give_back(kept)
    render("Un autre texte.")
    assert converter() is kept  # the same instance, text after text
    give_back(kept)
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(converter).result() is not kept  # another thread has its own
    _fail_midway()
    assert converter() is not kept  # a conversion that raised leaves no converter behind
