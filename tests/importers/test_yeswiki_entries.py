"""Bazar entries as record values: the shared dump's entries, dates, places, choices, links, what is kept aside."""

from __future__ import annotations

from datetime import datetime

from importers.yeswiki_bazar import choices_of
from importers.yeswiki_bazar import plan_form
from importers.yeswiki_entries import EntryData
from importers.yeswiki_entries import entry_data
from importers.yeswiki_entries import fit
from importers.yeswiki_entries import missing_required
from importers.yeswiki_entries import observe
from importers.yeswiki_source import BazarForm
from importers.yeswiki_source import entry_values
from importers.yeswiki_source import site_from_bytes
from tests.shared import DATA
from wiki.records import fields as F

SITE = site_from_bytes((DATA / "yeswiki/yeswiki-2020_default-content.sql").read_bytes())
LISTS = {name: {key: value for key, (value, _) in choices_of(c.items).items()} for name, c in SITE.lists.items()}


def read(ident: str, plan=None) -> EntryData:
    entry = SITE.entries[ident]
    plan = plan or plan_form(SITE.forms[entry.form_id], SITE.lists)
    return entry_data(plan, entry_values(entry.versions[-1].body), LISTS)


def plan_of(template: str):
    return plan_form(BazarForm("9", "Essai", template=template), SITE.lists)


def test_an_event_of_the_dump():
    data = read("YeswikidaY")
    assert data.values["title"] == "Yeswikiday" and data.values["ville"] == "Mouscron"
    assert data.values["dates"] == {"start": "2020-04-30T09:00:00+00:00", "end": "2020-04-30T16:00:00+00:00",
                                    "all_day": False}  # fmt: skip
    assert data.values["localisation"] == {"type": "Point", "coordinates": [3.2139093, 50.7433351]}
    assert data.extra == {"Image (facultatif)": "YeswikidaY_yeswiki-logo.png"}
    assert (data.status, data.author, data.created) == ("published", "{{WikiName}}", datetime(2020, 2, 12, 9, 21, 49))


def test_a_resource_and_its_list():
    data = read("FramasofT")
    assert data.values["type"] == ["3"] and data.values["url"] == "https://framasoft.org/fr/"
    assert "bf_auteur" not in data.extra and data.extra == {}


def test_all_day_dates_in_french_or_iso_and_an_end_before_the_start():
    plan = plan_of("jour***bf_date_debut***Début***\njour***bf_date_fin***Fin***")
    both = entry_data(plan, {"bf_date_debut": "29/10/2019", "bf_date_fin": "2019-10-31"}, {})
    assert both.values["dates"] == {"start": "2019-10-29", "end": "2019-10-31", "all_day": True}
    backwards = entry_data(plan, {"bf_date_debut": "2019-10-29", "bf_date_fin": "2019-10-01"}, {})
    assert backwards.values["dates"]["end"] is None and "fin (2019-10-01) avant le début" in backwards.warnings[0]


def test_a_place_from_carte_google_or_geolocation():
    plan = plan_of("carte_google***bf_latitude***bf_longitude***")
    assert entry_data(plan, {"carte_google": "48.1|-1.6"}, {}).values["localisation"]["coordinates"] == [-1.6, 48.1]
    located = entry_data(plan, {"geolocation": {"bf_latitude": "47,5", "bf_longitude": "-2"}}, {})
    assert located.values["localisation"]["coordinates"] == [-2.0, 47.5]
    assert "localisation" not in entry_data(plan, {"carte_google": "|"}, {}).values


def test_unknown_choices_are_kept_aside_and_tags_become_choices():
    plan = plan_of("checkbox***ListeType***Types***\ntags***bf_tags***Mots-clés***")
    observe(plan, [{"bf_tags": "Vélo,marche"}, {"bf_tags": "vélo"}])
    data = entry_data(plan, {"checkboxListeType": "1,9", "bf_tags": "Vélo,marche"}, LISTS)
    assert data.values["type"] == ["1"] and data.extra == {"Types": "1,9"} and "choix inconnu" in data.warnings[0]
    assert data.values["tags"] == ["velo", "marche"]
    assert {s.key: s.choices for s in plan.slots}["tags"] == {"velo": "Vélo", "marche": "marche", "velo-2": "vélo"}


def test_links_long_texts_and_leftovers():
    plan = plan_of("listefiche***6***Personne***\ntextelong***bf_texte***Texte*** *** *** *** ***wiki")
    values = {
        "listefiche6": "GatieN,ElizabethJFeinler",
        "bf_texte": "**gras** et [[PageA lien]]",
        "bf_autre": "gardé",
        "bf_vide": "",
        "id_typeannonce": "9",
        "data-imagebf_image": "x",
        "statut_fiche": "0",
    }
    data = entry_data(plan, values, {})
    assert data.links == {"personne": ["GatieN", "ElizabethJFeinler"]} and "personne" not in data.values
    assert data.values["texte"] == "**gras** et [[PageA|lien]]"
    assert data.extra == {"bf_autre": "gardé"} and data.status == "pending"


def test_values_our_fields_refuse_are_moved_aside():
    plan = plan_form(SITE.forms["1"], SITE.lists)
    defs = F.validate_schema(plan.fields({}, {}))
    data = entry_data(plan, {"bf_titre": "X", "bf_mail": "pas une adresse", "bf_site_internet": "ok"}, {})
    fit(defs, data, F.Context())
    assert "mail" not in data.values and data.extra["Email (n'apparaitra pas sur le web)"] == "pas une adresse"
    assert missing_required(defs, data) == ["Email (n'apparaitra pas sur le web)"]
