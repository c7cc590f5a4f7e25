"""Importing a YesWiki: the shared dumps, pages with every version, Bazar forms, entries and lists, idempotency."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func
from sqlalchemy import select

from importers import get_importer
from importers.models import ImportItem
from importers.yeswiki import YeswikiImporter
from tests.shared import DATA
from wiki.pages import services as pages
from wiki.pages.models import Page
from wiki.pages.models import PageRedirect
from wiki.pages.models import PageRevision
from wiki.records import access
from wiki.records import form_services
from wiki.records import taxonomy
from wiki.records.models import Form
from wiki.records.models import Record

YESWIKI = DATA / "yeswiki"
DUMP_2020 = YESWIKI / "yeswiki-2020_default-content.sql"
SCHEMA_2024 = YESWIKI / "yeswiki-2024_create-tables.sql"
run = get_importer("yeswiki").run


def count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def dump(*statements: str) -> bytes:
    return "\n".join(statements).encode()


def page_row(ident: int, tag: str, time: str, body: str, user: str = "Alice", latest: str = "Y") -> str:
    body = body.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    return f"({ident}, '{tag}', '{time}', '{body}', '', 'Alice', '{user}', '{latest}', 'page', '')"


def pages_insert(*rows: str) -> str:
    return f"INSERT INTO `yw_pages` VALUES {', '.join(rows)};"


def records_of(db, key: str) -> list[Record]:
    form = form_services.get_form(db, key)
    return list(db.scalars(select(Record).where(Record.form_id == form.id).order_by(Record.id)))


def test_registered_without_options():
    assert isinstance(get_importer("yeswiki"), YeswikiImporter) and YeswikiImporter.options == frozenset()


def test_the_2020_default_content_imports_forms_entries_lists_and_pages(db, author):
    result = run(db, DUMP_2020.read_bytes(), author=author, source=DUMP_2020.name)
    db.commit()
    assert result.ok, result.error
    assert result.errors == []
    kinds = {item.ref.split(" ")[0] for item in result.items}
    assert kinds == {"Liste", "Formulaire", "Fiche", "Page", "Redirection"}
    assert sum(item.ref.startswith("Fiche") for item in result.items) == 10
    # Forms: the four of the dump, and three its entries name but it lacks, rebuilt.
    agenda = form_services.get_form(db, "agenda")
    keys = {d.key: d.type for d in form_services.form_fields(agenda)}
    assert keys["title"] == "text" and keys["dates"] == "schedule" and keys["localisation"] == "geometry"
    assert "(formulaire Bazar n° 2)" in agenda.description
    assert {"annuaire", "ressources", "blog_actu", "formulaire_bazar_28"} <= {
        f.key for f in form_services.list_forms(db)
    }
    assert any("Formulaire Bazar n° 28 absent" in w for w in result.warnings)
    # A list, and the entries choosing from it.
    (liste,) = [cl for cl in taxonomy.list_choice_lists(db) if cl.key == "liste_type"]
    assert liste.title == "Type" and liste.items[1] == {"value": "2", "label": "Expérience inspirante"}
    framasoft = next(r for r in records_of(db, "ressources") if r.title == "Framasoft")
    assert access.public_values(framasoft, author)["type"] == ["3"]
    # An event: its dates as one schedule, its place, its image kept by name, its provenance.
    (event,) = records_of(db, "agenda")
    values = access.public_values(event, author)
    assert values["dates"]["start"] == "2020-04-30T11:00" and values["dates"]["all_day"] is False
    assert values["localisation"] == {"type": "Point", "coordinates": [3.2139093, 50.7433351]}
    assert event.extra == {"Image (facultatif)": "YeswikidaY_yeswiki-logo.png"} and event.status == "published"
    assert event.created_at.strftime("%Y-%m-%d %H:%M") == "2020-02-12 09:21"
    # Pages, converted, signed and dated as in the dump; a page that only redirected is a redirect.
    home = pages.find_page(db, "pageprincipale")
    body = home.current_revision.body
    assert body.startswith("# Félicitations, votre wiki est installé !")
    assert "[[BacASable|bac à sable]]" in body and home.current_revision.imported_author == "{{WikiName}}"
    assert pages.find_page(db, "wikiname") is None and db.get(PageRedirect, "wikiname") is not None
    assert '{{agenda form="agenda"}}' in pages.find_page(db, "vueagenda").current_revision.body
    assert '{{carte form="annuaire"}}' in pages.find_page(db, "cartoannuaire").current_revision.body
    assert '{{formulaire form="ressources"}}' in pages.find_page(db, "saisirressource").current_revision.body
    assert any(w.startswith("Actions YesWiki sans équivalent") for w in result.warnings)
    assert any("sans « ; »" in w for w in result.warnings)


def test_a_second_run_updates_nothing_and_duplicates_nothing(db, author):
    data = DUMP_2020.read_bytes()
    first = run(db, data, author=author, source="a.sql")
    db.commit()
    counts = (count(db, Record), count(db, Page), count(db, PageRevision), count(db, Form))
    second = run(db, data, author=author, source="elsewhere/b.sql")
    db.commit()
    assert first.created > 0 and second.created == 0 and second.updated == 0 and second.errors == []
    assert second.unchanged == first.created
    assert (count(db, Record), count(db, Page), count(db, PageRevision), count(db, Form)) == counts


def test_a_dry_run_writes_nothing(db, author):
    before = (count(db, Record), count(db, Page), count(db, Form), count(db, ImportItem))
    result = run(db, DUMP_2020.read_bytes(), author=author, dry_run=True)
    db.commit()
    assert result.created > 50 and "seraient" in result.summary()
    assert (count(db, Record), count(db, Page), count(db, Form), count(db, ImportItem)) == before


def test_the_2024_schema_holds_nothing_and_says_so(db, author):
    result = run(db, SCHEMA_2024.read_bytes(), author=author)
    assert not result.ok and result.created == 0
    assert "aucune page" in result.error and "structure des tables" in result.error and "pages" in result.error


def test_every_version_of_a_page_is_kept_with_its_author_and_date(db, author):
    data = dump(
        pages_insert(
            page_row(1, "AccueilTest", "2019-01-02 10:00:00", "====Premier====\nv1", "Bob", "N"),
            page_row(2, "AccueilTest", "2020-03-04 12:30:00", "====Second====\n**gras** et //italique//", "Carole"),
        )
    )
    result = run(db, data, author=author)
    db.commit()
    assert (result.created, result.errors) == (1, [])
    page = pages.find_page(db, "accueiltest")
    revisions = list(db.scalars(select(PageRevision).where(PageRevision.page_id == page.id)
                                .order_by(PageRevision.number)))  # fmt: skip
    assert [(r.imported_author, r.created_at.strftime("%Y-%m-%d %H:%M")) for r in revisions] == [
        ("Bob", "2019-01-02 09:00"),
        ("Carole", "2020-03-04 11:30"),
    ]
    assert page.current_revision.body == "### Second\n\n**gras** et *italique*\n"
    later = dump(pages_insert(page_row(3, "AccueilTest", "2021-05-06 08:00:00", "v3", "Denis")))
    again = run(db, data + b"\n" + later, author=author)
    db.commit()
    assert (again.updated, again.created) == (1, 0) and page.current_revision.body == "v3\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"INSERT INTO `yeswiki_pages` VALUES (1, 'Cut', '2020-01-01 00:00:00', 'a page cut in the mi", "tronqué"),
        (b'{"pages": {"A": {"body": "x", "time": ', "JSON invalide"),
        (b"<html><body>Not found</body></html>", "page HTML"),
        (b"Just some text.\n", "ni un dump SQL"),
        (json.dumps({"A": {"nothing": 1}}).encode(), "JSON non reconnu"),
        (b"null", "vide"),
    ],
)
def test_malformed_sources_are_refused_naming_what_they_are(db, author, data, expected):
    result = run(db, data, author=author)
    assert not result.ok and expected in result.error and count(db, Page) == 0


def test_the_json_api_answers_combined(db, author):
    api = {
        "pages": {"PageUn": {"tag": "PageUn", "time": "2022-06-01 10:00:00", "body": "Voir PageDeux.", "user": "Eve"},
                  "PageDeux": {"tag": "PageDeux", "time": "2022-06-02 10:00:00", "body": "{{calendrier id=\"7\"}}"}},
        "forms": {"7": {"bn_id_nature": "7", "bn_label_nature": "Sorties",
                        "bn_template": "texte***bf_titre***Nom***\njour***bf_date_debut_evenement***Début***\n"
                                       "jour***bf_date_fin_evenement***Fin***\n"}},
        "entries": {"SortieVelo": {"id_fiche": "SortieVelo", "id_typeannonce": "7", "bf_titre": "Sortie vélo",
                                   "bf_date_debut_evenement": "2022-07-01", "bf_date_fin_evenement": "2022-07-02",
                                   "statut_fiche": "0", "createur": "Eve", "bf_inconnu": "gardé"}},
    }  # fmt: skip
    result = run(db, json.dumps(api).encode(), author=author, source="https://example.org/?api")
    db.commit()
    assert (result.created, result.errors) == (4, [])
    (record,) = records_of(db, "sorties")
    assert record.status == "pending" and record.extra == {"bf_inconnu": "gardé"}
    assert access.public_values(record, author)["dates"] == {"start": "2022-07-01", "end": "2022-07-02",
                                                               "all_day": True, "timezone": "Europe/Paris"}  # fmt: skip
    assert pages.find_page(db, "pageun").current_revision.body == "Voir [[PageDeux]].\n"
    assert pages.find_page(db, "pagedeux").current_revision.body == '{{agenda form="sorties"}}\n'


def test_a_form_named_like_another_form_is_left_alone(db, author):
    template = "texte***bf_titre***Nom***\\n"
    nature = (f"INSERT INTO `yw_nature` (`bn_id_nature`, `bn_label_nature`, `bn_template`) VALUES "
              f"(1, 'Lieu', '{template}');")  # fmt: skip
    result = run(db, dump(nature), author=author)
    db.commit()
    assert result.errors == [] and form_services.get_form(db, "lieu").builtin
    assert form_services.get_form(db, "lieu_2").title == "Lieu"


def entry_row(ident: int, values: dict) -> str:
    body = json.dumps(values).replace("\\", "\\\\").replace("'", "\\'")
    return f"({ident}, '{values['id_fiche']}', '2021-01-01 10:00:00', '{body}', '', 'Alice', 'Alice', 'Y', 'page', '')"


def test_links_between_entries_resolve_whatever_their_order(db, author):
    people = "texte***bf_titre***Nom***"
    events = "texte***bf_titre***Titre***\nlistefiche***1***Animateur***\nradiofiche***2***Suite***"
    nature = (f"INSERT INTO `yw_nature` (`bn_id_nature`, `bn_label_nature`, `bn_template`) VALUES "
              f"(1, 'Personnes', '{people}'), (2, 'Ateliers', '{events.replace(chr(10), chr(92) + 'n')}');")  # fmt: skip
    rows = [
        entry_row(1, {"id_fiche": "AtelierUn", "id_typeannonce": "2", "bf_titre": "Atelier 1",
                      "listefiche1": "AdaL", "radiofiche2": "AtelierDeux", "statut_fiche": "1"}),
        entry_row(2, {"id_fiche": "AtelierDeux", "id_typeannonce": "2", "bf_titre": "Atelier 2",
                      "listefiche1": "AdaL,GraceH", "statut_fiche": "1"}),
        entry_row(3, {"id_fiche": "AdaL", "id_typeannonce": "1", "bf_titre": "Ada", "statut_fiche": "1"}),
    ]  # fmt: skip
    result = run(db, dump(nature, pages_insert(*rows)), author=author)
    db.commit()
    assert result.errors == [] and result.created == 5
    ada = records_of(db, "personnes")[0]
    first, second = records_of(db, "ateliers")
    assert access.public_values(first, author)["animateur"] == {"record_id": ada.id}
    assert access.public_values(first, author)["suite"] == {"record_id": second.id}  # written after it
    assert second.extra == {"animateur": "AdaL,GraceH"} and any("lie 2 fiches" in w for w in result.warnings)
    again = run(db, dump(nature, pages_insert(*rows)), author=author)
    assert (again.created, again.updated, again.errors) == (0, 0, [])


def test_a_record_deleted_here_is_not_brought_back(db, author):
    from wiki.records import services as records

    data = dump(
        "INSERT INTO `yw_nature` (`bn_id_nature`, `bn_label_nature`, `bn_template`) VALUES (1, 'Trucs', 'texte***bf_titre***Nom***');",
        pages_insert(entry_row(1, {"id_fiche": "UnTruc", "id_typeannonce": "1", "bf_titre": "Un truc"})),
    )
    run(db, data, author=author)
    (record,) = records_of(db, "trucs")
    records.delete_record(db, record, actor=author)
    db.commit()
    again = run(db, data, author=author)
    assert [e.message for e in again.errors] == [
        "Fiche supprimée ici depuis l'import précédent : elle n'est pas recréée."
    ]


def test_an_entry_missing_a_required_value_is_imported_as_a_draft(db, author):
    template = "texte***bf_titre***Nom*** *** *** *** *** ***1\\ntexte***bf_lieu***Lieu*** *** *** *** *** ***1"
    data = dump(
        f"INSERT INTO `yw_nature` (`bn_id_nature`, `bn_label_nature`, `bn_template`) VALUES (1, 'Trucs', '{template}');",
        pages_insert(entry_row(1, {"id_fiche": "UnTruc", "id_typeannonce": "1", "bf_titre": "Un truc"})),
    )
    result = run(db, data, author=author)
    (record,) = records_of(db, "trucs")
    assert record.status == "draft" and any("importée en brouillon" in w for w in result.warnings)


def test_a_page_named_like_a_page_of_the_wiki_is_refused_not_overwritten(db, author):
    pages.create_page(db, title="Accueil", body="Notre accueil", comment="", actor=author, policy="account")
    db.commit()
    result = run(db, dump(pages_insert(page_row(1, "AccueiL", "2020-01-01 00:00:00", "Le leur"))), author=author)
    assert [e.ref for e in result.errors] == ["Page AccueiL"] and "déjà" in result.errors[0].message
    assert pages.find_page(db, "accueil").current_revision.body == "Notre accueil"


def test_the_command_line(app, runner, db, author, tmp_path):
    path = tmp_path / "wiki.sql.gz"
    path.write_bytes(__import__("gzip").compress(DUMP_2020.read_bytes()))
    dry = runner.invoke(args=["import", "yeswiki", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "seraient" in dry.output and count(db, Record) == 0
    db.rollback()  # SQLite: no read transaction left open while the command writes
    done = runner.invoke(args=["import", "yeswiki", str(path)])
    assert done.exit_code == 0 and "63 créé(s)" in done.output
    schema = runner.invoke(args=["import", "yeswiki", str(SCHEMA_2024)])
    assert schema.exit_code == 1 and "aucune page" in schema.output
    with_form = runner.invoke(args=["import", "yeswiki", str(path), "--form", "lieu"])
    assert with_form.exit_code == 1 and "--form ne s'applique pas" in with_form.output
