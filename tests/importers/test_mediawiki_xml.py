"""Reading MediaWiki XML exports page by page: every shared sample, schemas 0.6 to 0.11, hostile and broken files."""

from __future__ import annotations

import bz2
import gzip
import resource
import time

import pytest
from defusedxml.expatreader import DefusedExpatParser

from importers import mediawiki_xml
from importers.mediawiki_xml import MAX_TEXT_CHARS
from importers.mediawiki_xml import DumpError
from importers.mediawiki_xml import SiteInfo
from importers.mediawiki_xml import read_dump
from tests.shared import DATA

SAMPLES = DATA / "mediawiki-xml"


def export(pages: str, version: str = "0.11", siteinfo: str = "") -> bytes:
    return (f'<mediawiki xmlns="http://www.mediawiki.org/xml/export-{version}/" version="{version}" xml:lang="fr">'
            f"<siteinfo>{siteinfo}</siteinfo>{pages}</mediawiki>").encode()  # fmt: skip


def revision(
    text: str, rid: str = "1", when: str = "2024-05-01T10:00:00Z", who: str = "<username>Anne</username>"
) -> str:
    return (f"<revision><id>{rid}</id><timestamp>{when}</timestamp><contributor>{who}</contributor>"
            f'<comment>modif</comment><model>wikitext</model><format>text/x-wiki</format><text xml:space="preserve">'
            f"{text}</text></revision>")  # fmt: skip


# --- the shared samples -------------------------------------------------------------------------


def test_every_page_and_revision_of_the_history_sample():
    site = SiteInfo()
    pages = list(read_dump(SAMPLES / "mwxml_dump.xml", site))
    assert [(p.title, p.ns, p.id, len(p.revisions)) for p in pages] == [("Foo", 0, "1", 2), ("Bar", 1, "2", 1)]
    first, second = pages[0].revisions
    assert (first.id, first.timestamp, first.author, first.anonymous, first.text) == (
        "1", "2004-08-09T09:04:08Z", "Gen0cide", False, "Revision 1 text")  # fmt: skip
    # an IP contributor: the address is never kept, the revision is anonymous
    assert (second.author, second.anonymous, second.comment) == ("", True, "Comment 2")
    assert (site.sitename, site.dbname, site.version, site.namespaces[1]) == ("Wikipedia", "enwiki", "0.8", "Talk")


@pytest.mark.parametrize(
    ("name", "version", "titles"),
    [
        ("smw_PageWithTemplateInclusionTest_export-0.6.xml", "0.6",
         ["Foo-1-19-7", "Template:FooAsk", "Template:FooShow", "Template:FooSubobject", "Template:FooTemplate"]),
        ("smw_importer-valid-test.xml", "0.8", ["Property:ImportTest", "ImportTest"]),
        ("mediawiki-core_Template-bangbang_commons_export-0.9.xml", "0.9", ["Template:!!"]),
        ("smw_cicero-de-finibus.xml", "0.10", ["Property:Has text", "De Finibus Bonorum et Malorum"]),
    ],
)  # fmt: skip
def test_each_schema_version_of_the_samples(name, version, titles):
    site = SiteInfo()
    pages = list(read_dump(SAMPLES / name, site))
    assert site.version == version and [p.title for p in pages] == titles
    assert all(p.revisions and p.revisions[0].text for p in pages)


def test_entities_are_decoded_and_namespaces_named():
    site = SiteInfo()
    (page,) = read_dump(SAMPLES / "mediawiki-core_Template-bangbang_commons_export-0.9.xml", site)
    text = page.revisions[0].text
    assert text.startswith("||<noinclude>") and '"<code>||</code>"' in text and "&amp;#124;" in text
    assert (page.ns, site.namespaces[10], site.namespaces[14], len(text)) == (10, "Template", "Category", 657)


def test_the_twelve_pages_of_the_semantic_sample():
    pages = list(read_dump(SAMPLES / "smw_dwc-import-example_export-0.10.xml"))
    assert len(pages) == 12 and sorted({p.ns for p in pages}) == [0, 8, 14, 102]
    assert pages[-1].title == "GBIFID:2706490" and "[[dwc:genus::Agrostis]]" in pages[-1].revisions[0].text


def test_the_malformed_sample_is_refused_with_its_line_and_column():
    with pytest.raises(DumpError) as refused:
        list(read_dump(SAMPLES / "mediawiki-core_BadXML_malformed.xml"))
    assert (refused.value.line, refused.value.column) == (3, 3)
    assert (
        refused.value.message
        == "ligne 3, colonne 3 : balise fermante qui ne correspond pas à la dernière balise ouverte."
    )


# --- schema details -------------------------------------------------------------------------------


def test_multi_slot_revisions_keep_their_main_slot():
    slots = ("<revision><id>7</id><timestamp>2023-01-01T00:00:00Z</timestamp><contributor><username>Bob</username>"
             "</contributor><content><role>mediainfo</role><model>wikibase-mediainfo</model><text>{}</text></content>"
             "<content><role>main</role><origin>7</origin><model>wikitext</model><format>text/x-wiki</format>"
             "<text bytes=\"12\">'''Texte'''</text></content></revision>")  # fmt: skip
    (page,) = read_dump(export(f"<page><title>P</title><ns>0</ns><id>3</id>{slots}</page>"))
    (only,) = page.revisions
    assert (only.text, only.model, only.other_slots, only.author) == ("'''Texte'''", "wikitext", 1, "Bob")


def test_redirect_elements_hidden_texts_and_contributors():
    hidden = ('<revision><id>2</id><timestamp>2024-01-01T00:00:00Z</timestamp><contributor deleted="deleted"/>'
              '<comment deleted="deleted"/><text deleted="deleted"/></revision>')  # fmt: skip
    page_xml = f'<page><title>Ancien</title><ns>0</ns><id>4</id><redirect title="Nouveau"/>{revision("#REDIRECT [[Nouveau]]")}{hidden}</page>'
    (page,) = read_dump(export(page_xml))
    assert page.redirect == "Nouveau"
    assert [(r.text is None, r.hidden, r.anonymous) for r in page.revisions] == [
        (False, False, False),
        (True, True, True),
    ]


def test_a_text_over_the_limit_is_not_kept(monkeypatch):
    monkeypatch.setattr("importers.mediawiki_xml.MAX_TEXT_CHARS", 100)
    (page,) = read_dump(
        export(f"<page><title>Gros</title><ns>0</ns>{revision('x' * 101)}{revision('petit', '2')}</page>")
    )
    assert [(r.text, r.too_long) for r in page.revisions] == [(None, True), ("petit", False)]
    assert MAX_TEXT_CHARS == 2_000_000


def test_compressed_dumps_are_read_as_is():
    data = (SAMPLES / "mwxml_dump.xml").read_bytes()
    for packed in (gzip.compress(data), bz2.compress(data)):
        assert [p.title for p in read_dump(packed)] == ["Foo", "Bar"]
    with pytest.raises(DumpError, match="archive compressée illisible"):
        list(read_dump(gzip.compress(data)[:200]))


# --- hostile and faulty files (HOSTILE_INPUTS B6-55..57, B7-67) --------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<mediawiki>&x;</mediawiki>',
         "ligne 2, colonne 13 : le fichier contient une DTD"),
        (b'<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><mediawiki>&b;</mediawiki>',
         "le fichier contient une DTD"),
        (b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>',
         "ligne 1 : ce fichier XML n'est pas un export MediaWiki (élément racine « kml »)."),
        (b"", "ligne 1, colonne 1 : le fichier est vide."),
        (b"<mediawiki><page>", "ligne 1, colonne 18 : le fichier s'arrête avant la fin du document"),
        (b"INSERT INTO yeswiki_pages VALUES (1);", "ligne 1, colonne 1 : ce n'est pas du XML."),
        (b"<mediawiki><page><title>A &nbsp; B</title></page></mediawiki>", "ligne 1, colonne 27 : entité non définie."),
        (b"<mediawiki><page><title>A</title></page></mediawiki><x/>", "du contenu suit la fin du document"),
    ],
)  # fmt: skip
def test_unsafe_or_broken_files_are_refused_in_french_with_a_position(data, message):
    started = time.monotonic()
    with pytest.raises(DumpError) as refused:
        list(read_dump(data))
    assert message in refused.value.message
    assert time.monotonic() - started < 0.1


def test_pages_are_handed_over_one_at_a_time_in_bounded_memory(tmp_path):
    body = "Un texte de page assez long pour peser. " * 250  # 10 kB
    pages = "".join(
        f"<page><title>P{i}</title><ns>0</ns><id>{i}</id>{revision(body, str(i))}</page>" for i in range(200)
    )
    head, tail = export("").split(b"</mediawiki>")
    path = tmp_path / "gros.xml"
    with path.open("wb") as dump:  # 5,000 pages, 50 MB
        dump.write(head)
        for _ in range(25):
            dump.write(pages.encode())
        dump.write(b"</mediawiki>")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    count = sum(1 for _ in read_dump(path))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert count == 5000 and grown_mb < 20


# --- texts handed over in one piece (expat's buffer_text) ---------------------------------------------


def _everything(source: object) -> tuple[list[object], SiteInfo, str]:
    """Every page read from ``source``, the site, and the error that stopped reading ("" if none)."""
    site, pages = SiteInfo(), []
    try:
        pages.extend(read_dump(source, site))  # type: ignore[arg-type]
    except DumpError as error:
        return pages, site, error.message
    return pages, site, ""


def test_buffered_texts_read_as_line_by_line(monkeypatch):
    long_text = "\n".join(f"Ligne {n} &amp; « texte » <b>gras</b> [[Lien {n}]]" for n in range(4000))  # > 2 chunks
    page = f"<page><title>A</title><ns>0</ns>{revision(long_text)}{revision('court', rid='2')}</page>"
    sources = [*sorted(SAMPLES.glob("*.xml")), export(page * 3)]
    buffered = [_everything(source) for source in sources]
    monkeypatch.setattr(mediawiki_xml, "_Parser", DefusedExpatParser)  # expat's default: a call per line
    assert buffered == [_everything(source) for source in sources]
    assert any(error for _pages, _site, error in buffered)  # the malformed sample, at the same position
