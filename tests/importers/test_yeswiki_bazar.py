"""Bazar form templates and lists as our field definitions and choice lists: the shared dump's four forms."""

from __future__ import annotations

import pytest

from importers.yeswiki_bazar import choices_of
from importers.yeswiki_bazar import fold_key
from importers.yeswiki_bazar import parse_template
from importers.yeswiki_bazar import plan_form
from importers.yeswiki_bazar import rebuild_form
from importers.yeswiki_source import BazarForm
from importers.yeswiki_source import ChoiceSource
from importers.yeswiki_source import entry_values
from importers.yeswiki_source import site_from_bytes
from tests.shared import DATA
from wiki.records import fields as F

SITE = site_from_bytes((DATA / "yeswiki/yeswiki-2020_default-content.sql").read_bytes())


def types(plan) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {slot.key: (slot.type, slot.sources) for slot in plan.slots}


def valid(plan) -> list[F.FieldDef]:
    lists = {name: f"liste_{i}" for i, name in enumerate(SITE.lists)}
    return F.validate_schema(plan.fields(lists, {"6": "annuaire"}))


def test_template_lines_and_the_properties_entries_use():
    fields = parse_template(SITE.forms["4"].template)
    assert [f.type for f in fields] == ["texte", "lien_internet", "checkbox", "textelong", "texte", "image",
                                        "fichier", "bookmarklet", "labelhtml"]  # fmt: skip
    assert fields[0].label == "Nom de la ressource" and fields[0].required
    assert [f.property for f in fields[2:7]] == ["checkboxListeType", "bf_description", "bf_auteur",
                                                 "imagebf_image", "fichierfichier"]  # fmt: skip
    assert parse_template("texte***bf_x***<b>Nom</b> &amp; pr&eacute;nom***")[0].label == "Nom & prénom"


def test_the_agenda_form():
    plan = plan_form(SITE.forms["2"], SITE.lists)
    assert plan.title == "Agenda" and plan.dated and plan.located
    assert types(plan) == {
        "title": ("text", ("bf_titre",)), "description": ("longtext", ("bf_description",)),
        "dates": ("schedule", ("bf_date_debut_evenement", "bf_date_fin_evenement")),
        "horaire": ("text", ("bf_horaire",)), "site_internet": ("text", ("bf_site_internet",)),
        "image": ("image", ("imagebf_image",)), "fichier": ("file", ("fichierfichier",)),
        "adresse": ("text", ("bf_adresse",)), "code_postal": ("text", ("bf_code_postal",)),
        "ville": ("text", ("bf_ville",)), "localisation": ("geometry", ("bf_latitude", "bf_longitude")),
    }  # fmt: skip
    assert plan.warnings == ["champs sans équivalent, non repris : labelhtml"]
    defs = {d.key: d for d in valid(plan)}
    assert defs["title"].required and defs["dates"].required and defs["dates"].label == "Date et horaire"
    assert defs["localisation"].options == {"kinds": ["Point"]} and plan.slots[1].wiki


def test_the_other_forms_of_the_dump_give_valid_definitions():
    resources = plan_form(SITE.forms["4"], SITE.lists)
    assert types(resources)["type"] == ("multichoice", ("checkboxListeType",))
    assert {d.key: d.options for d in valid(resources)}["type"] == {"list": "liste_0"}
    directory = plan_form(SITE.forms["1"], SITE.lists)
    mail = next(d for d in valid(directory) if d.key == "mail")
    assert mail.type == "email" and mail.personal and mail.required
    blog = plan_form(SITE.forms["3"], SITE.lists)
    assert [s.key for s in blog.slots] == ["image", "title", "chapeau", "description"] and not blog.warnings
    assert all(isinstance(d, F.FieldDef) for d in valid(blog))


def test_field_ids_are_stable_from_one_run_to_the_next():
    first = plan_form(SITE.forms["2"], SITE.lists).fields({}, {})
    again = plan_form(SITE.forms["2"], SITE.lists).fields({}, {})
    assert [f["id"] for f in first] == [f["id"] for f in again] and first[0]["id"].startswith("f_")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("liste***ListeAbsente***Choix*** *** *** *** *** ***1", ("liste_absente", "text")),
        ("radio***ListeType***Un type*** *** *** ***bis*** ***0", ("bis", "choice")),
        ("listefiche***6***Une personne*** *** *** *** *** ***0", ("une_personne", "link")),
        ("checkboxfiche***6***Des personnes*** *** *** ***membres*** ***0", ("membres", "link")),
        ("tags***bf_tags***Mots-clés*** *** *** *** *** ***0", ("tags", "multichoice")),
        ("jour***bf_date***Le jour*** *** *** *** *** ***0", ("date", "date")),
        ("map***bf_lat***bf_lon*** *** *** *** *** ***0", ("localisation", "geometry")),
        ("titre***{{bf_nom}} {{bf_prenom}}***Titre automatique***", ("title", "text")),
        ("champs_cache***bf_cache***Caché*** *** ***x", ("cache", "text")),
        ("nouveautype***bf_page***Inconnu", ("bf_page", "text")),  # « page » is a reserved key
    ],
)
def test_field_types(line, expected):
    plan = plan_form(BazarForm("9", "Essai", template=line), SITE.lists)
    slot = next(s for s in plan.slots if s.key != "title") if expected[0] != "title" else plan.slots[0]
    assert (slot.key, slot.type) == expected
    if expected[1] == "link":
        assert slot.link_form == "6"


def test_read_rights_become_visibility():
    template = "texte***bf_a***A*** *** *** *** *** ***0*** *** ***+\ntexte***bf_b***B*** *** *** *** *** ***0*** *** ***@admins"
    plan = plan_form(BazarForm("9", "Essai", template=template), {})
    assert {s.key: s.visibility for s in plan.slots} == {"title": "public", "a": "members", "b": "private"}


def test_a_missing_form_is_rebuilt_from_its_entries():
    entries = [entry_values(e.versions[-1].body) for e in SITE.entries.values() if e.form_id == "28"]
    plan = rebuild_form("28", entries, SITE.lists)
    assert plan.rebuilt and plan.title == "Formulaire Bazar 28" and plan.dated and plan.located
    assert types(plan)["dates"] == ("schedule", ("bf_date_debut_evenement", "bf_date_fin_evenement"))
    assert types(plan)["checkbox_liste_ma_liste"] == ("text", ("checkboxListeMaListe",))  # its list is not in the dump
    assert all(
        not name.endswith(("_allday", "_hour")) for _, (kind, sources) in types(plan).items() for name in sources
    )
    assert valid(plan)


def test_lists_become_choice_values():
    assert choices_of(SITE.lists["ListeType"].items)["2"] == ("2", "Expérience inspirante")
    mapped = choices_of({"Vélo": "Vélo", "velo": "vélo (bis)", "": "rien", "<b>x</b>": "&amp; co"})
    assert [value for value, _ in mapped.values()] == ["velo", "velo-2", "choix", "b-x-b"]
    assert mapped["<b>x</b>"][1] == "& co"
    assert F.validate_choices([{"value": v, "label": label} for v, label in mapped.values()])
    assert ChoiceSource("L", "T", {"a": "b"}).items == {"a": "b"}


def test_keys():
    assert fold_key("ListeTypeÉvénement") == "liste_type_evenement" and fold_key("2e essai") == "champ_2e_essai"
    assert fold_key("Blog-actu") == "blog_actu"
