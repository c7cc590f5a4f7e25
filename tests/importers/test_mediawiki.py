"""``lieudit import mediawiki``: every shared sample, whole histories, namespaces, redirects, re-runs, dry runs."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import func
from sqlalchemy import select

from importers import get_importer
from tests.shared import DATA
from wiki.markup import slugify
from wiki.pages import services as pages
from wiki.pages.models import Page
from wiki.pages.models import PageRevision

run = get_importer("mediawiki").run
SAMPLES = DATA / "mediawiki-xml"


def export(pages_xml: str, siteinfo: str = "<dbname>redonwiki</dbname>") -> bytes:
    return (f'<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="fr">'
            f"<siteinfo>{siteinfo}</siteinfo>{pages_xml}</mediawiki>").encode()  # fmt: skip


def page(title: str, pid: int, *revisions: str, ns: int = 0) -> str:
    return f"<page><title>{title}</title><ns>{ns}</ns><id>{pid}</id>{''.join(revisions)}</page>"


def rev(rid: int, when: str, text: str, who: str = "<username>Anne</username>", comment: str = "") -> str:
    return (f"<revision><id>{rid}</id><timestamp>{when}</timestamp><contributor>{who}</contributor>"
            f"<comment>{comment}</comment><model>wikitext</model><text>{text}</text></revision>")  # fmt: skip


def history(db, title: str) -> list[PageRevision]:
    found = pages.find_page(db, slugify(title))
    assert found is not None, title
    return list(reversed(pages.history(db, found)))


def count_pages(db) -> int:
    return db.scalar(select(func.count()).select_from(Page))


# --- the shared samples -------------------------------------------------------------------------------


def test_the_history_sample_every_revision_with_its_author_date_and_comment(db, author):
    result = run(db, (SAMPLES / "mwxml_dump.xml").read_bytes(), author=author, source="mwxml_dump.xml")
    db.commit()
    assert (result.created, result.updated, result.unchanged, result.errors) == (1, 0, 0, [])
    revisions = history(db, "Foo")
    assert [(r.body, r.imported_author, r.created_at, r.comment) for r in revisions] == [
        ("Revision 1 text\n", "Gen0cide", datetime(2004, 8, 9, 9, 4, 8, tzinfo=UTC), ""),
        ("Revision 2 text\n", "Anonyme", datetime(2004, 8, 10, 9, 4, 8, tzinfo=UTC), "Comment 2"),
    ]
    assert "1 page(s) de l'espace « Talk » (n° 1) non importée(s) : Bar" in result.warnings
    stored = " ".join(f"{r.body} {r.imported_author} {r.comment}" for r in db.scalars(select(PageRevision)))
    assert "222.152" not in stored  # the IP contributors' addresses are nowhere


def test_templates_become_modele_pages_with_their_source_and_calls_stay_visible(db, author):
    result = run(db, (SAMPLES / "smw_PageWithTemplateInclusionTest_export-0.6.xml").read_bytes(), author=author)
    db.commit()
    assert (result.created, result.errors) == (5, [])
    (foo,) = history(db, "Foo-1-19-7")
    assert foo.imported_author == "Anonyme"
    assert (
        "`{{FooTemplate|Foo=bar}}`" in foo.body
        and "Catégories : [[Catégorie:Regression test|Regression test]]" in foo.body
    )
    (template,) = history(db, "Modèle:FooAsk")
    assert template.body.endswith("```\n{{#ask: {{{Query}}} |?Modification date}}\n```\n")
    assert any(w.startswith("1 page(s) gardent des modèles {{…}} en code visible") for w in result.warnings)
    assert any("catégorie(s)" in w and "Regression test (1)" in w for w in result.warnings)


def test_the_commons_template_export(db, author):
    result = run(db, (SAMPLES / "mediawiki-core_Template-bangbang_commons_export-0.9.xml").read_bytes(), author=author)
    db.commit()
    assert (result.created, result.errors) == (1, [])
    (template,) = history(db, "Modèle:!!")
    assert template.imported_author == "Martin H." and "[[Category:Workaround templates|{{PAGENAME}}]]" in template.body


def test_semantic_samples_keep_their_values_and_skip_property_pages(db, author):
    result = run(db, (SAMPLES / "smw_dwc-import-example_export-0.10.xml").read_bytes(), author=author)
    db.commit()
    assert (result.created, result.errors) == (2, [])  # GBIFID:2706490 and Catégorie:Dwc import
    (gbif,) = history(db, "GBIFID:2706490")
    assert "- Plantea" in gbif.body and "Catégories : [[Catégorie:Dwc import|Dwc import]]" in gbif.body
    (category,) = history(db, "Catégorie:Dwc import")
    assert category.body == "<http://rs.tdwg.org/dwc/terms/>\n"
    assert any(w.startswith("9 page(s) de l'espace « Property » (n° 102) non importée(s)") for w in result.warnings)
    assert any(w.startswith("1 page(s) de l'espace « MediaWiki » (n° 8)") for w in result.warnings)
    assert pages.backlinks(db, pages.find_page(db, "categorie-dwc-import"))  # the category lists its pages
    for name, created in (("smw_cicero-de-finibus.xml", 1), ("smw_importer-valid-test.xml", 1)):
        other = run(db, (SAMPLES / name).read_bytes(), author=author)
        assert (other.created, other.errors) == (created, [])
    assert history(db, "De Finibus Bonorum et Malorum")[0].body.startswith("Sed ut perspiciatis unde omnis")


def test_the_malformed_sample_is_refused_with_its_position_and_nothing_written(db, author):
    before = count_pages(db)
    result = run(db, (SAMPLES / "mediawiki-core_BadXML_malformed.xml").read_bytes(), author=author)
    assert result.error == ("Export MediaWiki illisible : ligne 3, colonne 3 : balise fermante qui ne correspond "
                            "pas à la dernière balise ouverte.")  # fmt: skip
    assert count_pages(db) == before


# --- re-runs, dry runs ---------------------------------------------------------------------------------

V1 = rev(1, "2020-01-01T10:00:00Z", "Première version.")
V2 = rev(2, "2021-02-03T11:00:00Z", "Deuxième, avec [[Gare]].", "<ip>192.0.2.7</ip>", "annule 192.0.2.8")
V3 = rev(3, "2022-03-04T12:00:00Z", "Troisième.", "<username>imported&gt;Bruno</username>")


def test_a_rerun_appends_only_the_missing_revisions_whatever_the_file_is_called(db, author):
    first = run(db, export(page("Mairie", 10, V1, V2)), author=author, source="a.xml")
    db.commit()
    assert first.created == 1 and len(history(db, "Mairie")) == 2
    again = run(db, export(page("Mairie", 10, V1, V2)), author=author, source="a.xml")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    newer = run(db, export(page("Mairie", 10, V1, V2, V3)), author=author, source="dump-2024.xml")
    db.commit()
    assert (newer.created, newer.updated, newer.unchanged) == (0, 1, 0) and count_pages(db) == 1
    assert [(r.number, r.imported_author, r.comment) for r in history(db, "Mairie")] == [
        (1, "Anne", ""), (2, "Anonyme", "annule [IP masquée]"), (3, "Bruno", "")]  # fmt: skip
    assert pages.find_page(db, "mairie").current_revision.body == "Troisième.\n"


def test_a_dry_run_says_what_would_be_done_and_writes_nothing(db, author):
    before = count_pages(db)
    result = run(db, export(page("Mairie", 10, V1) + page("Gare", 11, V1)), author=author, dry_run=True)
    assert (result.created, result.dry_run, count_pages(db)) == (2, True, before)
    assert "seraient" in result.summary()


def test_a_page_of_that_name_not_imported_from_this_wiki_is_refused_not_overwritten(db, author):
    run(db, export(page("Mairie", 10, V1), "<dbname>autrewiki</dbname>"), author=author)
    db.commit()
    result = run(db, export(page("Mairie", 10, V1, V2)), author=author)
    assert result.errors and result.errors[0].ref == "Mairie" and "porte déjà ce nom" in result.errors[0].message
    assert len(history(db, "Mairie")) == 1


# --- redirects, namespaces, hostile histories ----------------------------------------------------------


def test_redirects_become_redirects_even_to_pages_later_in_the_dump(db, author):
    dump = export(page("Ancienne mairie", 1, rev(5, "2020-01-01T00:00:00Z", "Texte d'avant."),
                       rev(6, "2021-01-01T00:00:00Z", "#REDIRECTION [[Mairie]]"))
                  + page("Mairie", 2, V1)
                  + page("Nulle part", 3, rev(7, "2021-01-01T00:00:00Z", "#REDIRECT [[Absente]]")))  # fmt: skip
    result = run(db, dump, author=author)
    db.commit()
    assert (result.created, [e.ref for e in result.errors]) == (2, ["Nulle part"])
    assert "Absente" in result.errors[0].message
    assert "Ancienne mairie : redirection : ses 1 version(s) antérieure(s) ne sont pas importées." in result.warnings
    found, target = pages.resolve(db, "ancienne-mairie")
    assert found is None and target.title == "Mairie"
    again = run(db, dump, author=author)
    assert (again.created, again.unchanged) == (0, 2)


def test_hostile_histories_future_dates_duplicates_and_html_names(db, author):
    dump = export(page("Lavoir", 4, V1, V1, rev(8, "2999-01-01T00:00:00Z", "Du futur."),
                       rev(9, "pas une date", "Sans date."),
                       rev(10, "2023-01-01T00:00:00Z", "Nom.", "<username>&lt;b&gt;Zoé&lt;/b&gt;</username>")))  # fmt: skip
    result = run(db, dump, author=author)
    db.commit()
    assert result.created == 1
    warnings = " ".join(result.warnings)
    assert "1 version(s) en double" in warnings and "1 version(s) sans date lisible" in warnings
    assert "1 version(s) datée(s) dans le futur" in warnings
    revisions = history(db, "Lavoir")
    assert [r.imported_author for r in revisions] == [
        "Anne",
        "<b>Zoé</b>",
        "Anne",
    ]  # kept as a name, escaped when shown
    assert revisions[-1].created_at <= datetime.now(UTC)


def test_the_command_line_streams_the_dump(app, runner, db, author, tmp_path):
    path = tmp_path / "wiki.xml"
    path.write_bytes(export(page("Mairie", 10, V1, V2)))
    result = runner.invoke(args=["import", "mediawiki", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 créé(s)" in result.output
    bad = runner.invoke(args=["import", "mediawiki", str(SAMPLES / "mediawiki-core_BadXML_malformed.xml")])
    assert bad.exit_code == 1 and "ligne 3, colonne 3" in bad.output
    with pytest.raises(AssertionError):
        history(db, "Absente")


def test_pages_of_imported_namespaces_are_named_here_whatever_their_prefix_there(db, author):
    dump = export(page("Vorlage:Ort", 1, V1, ns=10) + page("Sans préfixe", 2, V1, ns=14) + page("Hilfe:Bearbeiten", 3, V1, ns=12),
                  '<namespaces><namespace key="10">Vorlage</namespace><namespace key="12">Hilfe</namespace></namespaces>')  # fmt: skip
    result = run(db, dump, author=author)
    assert (result.created, result.errors) == (3, [])
    assert [len(history(db, t)) for t in ("Modèle:Ort", "Catégorie:Sans préfixe", "Aide:Bearbeiten")] == [1, 1, 1]
