"""Built-in forms, lists and themes (wiki.records.builtin), the demo's initiatives and its inspirations from elsewhere.

The first tests check the plain data (no database); the others seed a real
database, SQLite and PostgreSQL, through the record services.
"""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from wiki.demo import demo_author
from wiki.demo import initiatives as demo
from wiki.demo import inspirations
from wiki.records import access
from wiki.records import builtin
from wiki.records import fields as F
from wiki.records import form_services
from wiki.records import models as M
from wiki.records import seeding
from wiki.records import services as svc
from wiki.records import taxonomy
from wiki.revisions import list_revisions

INITIATIVE_KEYS = {field["key"] for field in builtin.FORMS[0]["fields"]}
PERSONAL_KEYS = {"contact_nom", "contact_email", "contact_telephone"}
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# French numbers (02 99 71 06 04, 02.99…, +33 2 99…) and any other long run of grouped digits.
PHONE_RE = re.compile(r"(?<![\d,])(?:\+\d{2,3}[\s.]?(?:\(0\))?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)")
# Surnames of the people named in the sources' contacts, quotes and photo credits: none may be copied.
SOURCE_SURNAMES = (
    "Laugier",
    "Menou",
    "Terris",
    "Mouneyrac",
    "Kergoat",
    "Lyphout",
    "Peltre",
    "Servais",
    "Tanguy",
    "Bouteille",
    "Pettavino",
    "Metton",
    "Senot",
    "Rodrigues",
    "Guérin",
    "Guerin",
    "Lhuiller",
    "Batigne",
    "Desforges",
    "Lacôte",
    "Barrot",
    "Magnier",
    "Heydt",
    "Dougay",
    "Mayot",
    "Bazin",
    "Brinon",
    "Huaume",
    "Didry",
    "Afanassieff",
    "Behra",
    "Collet",
    "Dupont",
    "Tholly",
    "Wollny",
    "Fievet",
    "Jaquemet",
    "Gobet",
    "Bonnaffé",
    "Dumortier",
    "Monchicourt",
    "Mounier",
    "Teetaert",
    "Rozes",
    "Brühl",
    "Correia",
    "Wallach",
)
NAME_RE = re.compile(rf"\b(?:{'|'.join(SOURCE_SURNAMES)})\b")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


# --- the data alone ---------------------------------------------------------------


def test_forms_are_valid_with_fixed_unique_ids():
    ids = []
    for form in builtin.FORMS:
        defs = F.validate_schema(form["fields"])
        assert [d.id for d in defs] == [f["id"] for f in form["fields"]]  # none generated: re-seeding is deterministic
        assert form["title_field"] in {d.key for d in defs}
        ids += [d.id for d in defs]
    assert len(ids) == len(set(ids))
    assert [f["key"] for f in builtin.FORMS] == ["initiative", "evenement", "lieu", "structure"]


def test_choice_fields_use_seeded_lists_and_personal_fields_are_private_or_consented():
    lists = {key for key, _, _ in builtin.CHOICE_LISTS}
    for _key, _, items in builtin.CHOICE_LISTS:
        assert F.validate_choices(items) == items
    for form in builtin.FORMS:
        for field in F.validate_schema(form["fields"]):
            if field.type in ("choice", "multichoice"):
                assert field.options["list"] in lists
            if field.personal:
                assert field.visibility == "private" or field.consent_field is not None
    initiative = {d.key: d for d in F.validate_schema(builtin.FORMS[0]["fields"])}
    assert {k for k, d in initiative.items() if d.personal} == PERSONAL_KEYS
    # The contact person is published exactly where the person's consent box is ticked, as the help says.
    assert {initiative[k].consent_field for k in PERSONAL_KEYS} == {"contact_consentement"}
    assert {initiative[k].visibility for k in PERSONAL_KEYS} == {"public"}
    # The record form says who reads them (widgets.privacy_notes): the help does not repeat it.
    assert {initiative[k].help for k in PERSONAL_KEYS} == {"Nom et rôle.", ""}
    assert "status" not in initiative and initiative["etat_projet"].options == {"list": "etat_projet"}
    assert initiative["resume"].options["max_length"] == 800


def test_themes_are_the_19_of_the_guide_without_ambiguous_synonyms():
    assert len(builtin.THEMES) == 19
    owners: dict[str, str] = {}
    for key, label, synonyms in builtin.THEMES:
        assert F.KEY_RE.fullmatch(key) and label and len(synonyms) <= 20
        for name in (key, label, *synonyms):
            assert owners.setdefault(F.fold(name), key) == key, f"{name!r} names two themes"


def test_initiatives_and_inspirations_are_unique_use_only_their_form_fields_and_keep_all_32_fiches():
    assert (len(demo.INITIATIVES), len(inspirations.INSPIRATIONS)) == (8, 31)
    assert len({i["title"] for i in demo.INITIATIVES + inspirations.INSPIRATIONS}) == 39
    inspiration_keys = {field["key"] for field in inspirations.inspiration_fields()}
    assert inspiration_keys < INITIATIVE_KEYS and "localisation" not in inspiration_keys
    for initiative in demo.INITIATIVES:
        assert set(initiative) <= INITIATIVE_KEYS, set(initiative) - INITIATIVE_KEYS
        assert initiative["source"].startswith((demo.GUIDE_2022, demo.FICTION))
    for inspiration in inspirations.INSPIRATIONS:
        assert set(inspiration) <= inspiration_keys, set(inspiration) - inspiration_keys
    # The 32 fiches of the two guides are all kept: the Redon wiki's as an initiative, the others as inspirations.
    sources = [i["source"] for i in demo.INITIATIVES + inspirations.INSPIRATIONS]
    fiches = {re.search(r"fiche expérience p\. (\d+)", s)[1] for s in sources if s.startswith(demo.GUIDE_2022)}
    assert len(fiches) == 15 and sum(s.startswith(demo.RECUEIL_2018) for s in sources) == 17
    assert sum(s == demo.FICTION for s in sources) == 6


@pytest.mark.parametrize("initiative", demo.INITIATIVES + inspirations.INSPIRATIONS, ids=lambda i: i["title"][:40])
def test_initiatives_hold_no_personal_data(initiative):
    assert not PERSONAL_KEYS & set(initiative)
    assert "contact_consentement" not in initiative
    for text in _strings(initiative):
        assert not EMAIL_RE.search(text), text
        assert not PHONE_RE.search(text), text
        assert not NAME_RE.search(text), text


# --- seeding a database (SQLite and PostgreSQL) -------------------------------------------


def _count(db, model) -> int:
    return db.scalar(sa.select(sa.func.count()).select_from(model))


def test_seeding_twice_is_idempotent(db):
    actor = demo_author(db)
    assert seeding.seed_builtin(db, actor) == {"themes": 19, "choice_lists": 7, "forms": 4, "upgraded_forms": 0}
    db.commit()
    assert seeding.seed_builtin(db, actor) == {"themes": 0, "choice_lists": 0, "forms": 0, "upgraded_forms": 0}
    db.commit()
    assert (_count(db, M.Theme), _count(db, M.ChoiceList), _count(db, M.Form)) == (19, 7, 4)
    for spec in builtin.FORMS:
        form = form_services.get_form(db, spec["key"])
        assert form.builtin and form.title == spec["title"] and form.title_field == "title"
        assert [d.to_dict() for d in form_services.form_fields(form)] == form.fields
        assert [f["id"] for f in form.fields] == [f["id"] for f in spec["fields"]]


def test_seeding_never_overwrites_what_administrators_changed(db):
    actor = demo_author(db)
    seeding.seed_builtin(db, actor)
    form = form_services.get_form(db, "lieu")
    form_services.update_form(db, form, title="Lieux utiles", fields=form.fields[:3], actor=actor)
    taxonomy.save_theme(db, key="mobilite", label="Se déplacer", synonyms=["bouger"], actor=actor)
    db.commit()
    assert seeding.seed_builtin(db, actor) == {"themes": 0, "choice_lists": 0, "forms": 0, "upgraded_forms": 0}
    db.commit()
    form = form_services.get_form(db, "lieu")
    assert form.title == "Lieux utiles" and len(form.fields) == 3 and form.revision_number == 2
    theme = db.scalar(sa.select(M.Theme).where(M.Theme.key == "mobilite"))
    assert (theme.label, theme.synonyms) == ("Se déplacer", ["bouger"])


def test_theme_synonyms_resolve_through_the_cleaning_context(db):
    seeding.seed_builtin(db, demo_author(db))
    ctx = taxonomy.cleaning_context(db)
    themes = next(d for d in form_services.form_fields(form_services.get_form(db, "initiative")) if d.key == "themes")
    cases = {
        "Mobilités": "mobilite", "transport": "mobilite", "Outils numériques": "outils_numeriques",
        "numérique": "outils_numeriques", "Énergies": "energie", "Quartier/ revitalisation": "quartier_revitalisation",
        "tiers-lieux": "tiers_lieu", "alimentaire": "alimentation", "Territoire et gestion de l'espace": "territoire_espace",
        "Accueil et services à la population et aux entreprises": "accueil_services", "foret": "foret",
    }  # fmt: skip
    for name, key in cases.items():
        assert F.clean_value(themes, [name], ctx) == [key], name
    with pytest.raises(F.FieldError):
        F.clean_value(themes, ["Santé publique mondiale"], ctx)


def test_all_initiatives_load_published_once(db):
    actor = demo_author(db)
    assert demo.load_demo_initiatives(db, actor) == 8  # seeds the built-in forms itself
    assert inspirations.load_demo_inspirations(db, actor) == 31  # creates its form
    db.commit()
    assert demo.load_demo_initiatives(db, actor) == 0
    assert inspirations.load_demo_inspirations(db, actor) == 0
    db.commit()
    for key, items in (("initiative", demo.INITIATIVES), ("inspiration", inspirations.INSPIRATIONS)):
        form = form_services.get_form(db, key)
        records = list(db.scalars(sa.select(M.Record).where(M.Record.form_id == form.id)))
        assert len(records) == len(items)
        assert {r.status for r in records} == {"published"}
        assert {r.title for r in records} == {i["title"] for i in items}
        defs = form_services.form_fields(form)
        ctx = taxonomy.cleaning_context(db)
        for record in records:  # what was stored still validates, field by field
            _, errors = F.clean_record(defs, {d.key: record.data.get(d.id) for d in defs}, ctx)
            assert errors == {}, (record.title, errors)
    form = form_services.get_form(db, "inspiration")
    assert not form.builtin and [f["id"] for f in form.fields] == [f["id"] for f in inspirations.inspiration_fields()]
    assert not any(d.personal for d in form_services.form_fields(form))


def test_stored_initiatives_hold_no_personal_data(db):
    actor = demo_author(db)
    demo.load_demo_initiatives(db, actor)
    db.commit()
    form = form_services.get_form(db, "initiative")
    personal = {d.id for d in form_services.form_fields(form) if d.personal}
    for record in db.scalars(sa.select(M.Record).where(M.Record.form_id == form.id)):
        assert all(record.data.get(ident) is None for ident in personal), record.title
        text = json.dumps(record.data, ensure_ascii=False) + "\n" + record.search_text
        assert not EMAIL_RE.search(text) and not PHONE_RE.search(text) and not NAME_RE.search(text), record.title


def test_the_redon_wiki_record(db):
    actor = demo_author(db)
    demo.load_demo_initiatives(db, actor)
    db.commit()
    form = form_services.get_form(db, "initiative")
    record = db.scalar(
        sa.select(M.Record).where(M.Record.form_id == form.id, M.Record.title == "Le wiki du Pays de Redon")
    )
    assert record is not None
    values = access.public_values(record, actor)
    assert values["communes"] == ["35236"]
    assert values["departements"] == ["35", "56", "44"]
    assert "outils_numeriques" in values["themes"]
    assert values["echelle"] == "communaute_agglomeration" and values["annee_lancement"] == 2017
    assert values["contact_nom"] is None and values["contact_consentement"] is False
    facets = {
        (f.field_id, f.value) for f in db.scalars(sa.select(M.RecordFacet).where(M.RecordFacet.record_id == record.id))
    }
    ids = {d.key: d.id for d in form_services.form_fields(form)}
    assert (ids["communes"], "35236") in facets and (ids["themes"], "outils_numeriques") in facets
    assert ("status", "published") in facets


# --- upgrading a form installed before consent existed ----------------------------------------------

CONTACT = {
    "contact_nom": "Jeanne Martin, animatrice",
    "contact_email": "jeanne@exemple.fr",
    "contact_telephone": "02 99 71 06 04",
}


def _as_installed_before_consent() -> list[dict]:
    """The Initiative fields as the previous version created them: contact fields private, linked to nothing."""
    fields = []
    for field in builtin.FORMS[0]["fields"]:
        field = dict(field)
        if field["id"] in seeding._OLD_CONTACT_HELP:
            del field["consent_field"]
            field |= {"visibility": "private", "help": seeding._OLD_CONTACT_HELP[field["id"]]}
        fields.append(field)
    return fields


@pytest.fixture
def old_install(db):
    """An instance seeded by the previous version, with one initiative whose contact agreed and one whose did not."""
    actor = demo_author(db)
    spec = builtin.FORMS[0] | {"fields": _as_installed_before_consent()}
    form = form_services.create_form(
        db, **spec, actor=actor, builtin=True, comment="Formulaire fourni à l’installation"
    )
    base = {"title": "Atelier vélo", "resume": "Réparer ensemble.", "porteur": "Association Vélo", "description": "…",
            "themes": ["mobilite"]}  # fmt: skip
    taxonomy.save_theme(db, key="mobilite", label="Mobilité", actor=actor)
    yes = svc.create_record(db, form, base | CONTACT | {"contact_consentement": "on"}, actor=actor, policy="account")
    no = svc.create_record(db, form, base | CONTACT | {"title": "Jardin partagé"}, actor=actor, policy="account")
    db.commit()
    return actor, form, yes, no


def _contacts(form):
    return {d.key: d for d in form_services.form_fields(form) if d.key in PERSONAL_KEYS}


def test_an_old_initiative_form_is_upgraded_once_through_the_services(db, old_install):
    from wiki.auth.services import Anonymous

    actor, form, yes, no = old_install
    assert {d.visibility for d in _contacts(form).values()} == {"private"}
    assert "contact_email" not in access.public_values(yes, Anonymous())
    assert seeding.seed_builtin(db, actor)["upgraded_forms"] == 1
    db.commit()
    contacts = _contacts(form)
    assert {(d.visibility, d.consent_field) for d in contacts.values()} == {("public", "contact_consentement")}
    assert (contacts["contact_nom"].help, contacts["contact_email"].help) == (
        "Nom et rôle.",
        "",
    )  # unchanged help texts follow
    assert form.revision_number == 2 and form.fields == [d.to_dict() for d in form_services.form_fields(form)]
    revision = list_revisions(db, "form", form.id)[0]
    assert revision.number == 2 and "case de consentement" in revision.comment
    assert access.public_values(yes, Anonymous())["contact_email"] == "jeanne@exemple.fr"
    assert "contact_email" not in access.public_values(no, Anonymous())
    assert "jeanne@exemple.fr" in yes.search_text and "jeanne@exemple.fr" not in no.search_text  # records re-indexed
    assert seeding.seed_builtin(db, actor)["upgraded_forms"] == 0
    assert form.revision_number == 2


def test_an_upgrade_undone_by_the_administrators_is_never_applied_again(db, old_install):
    actor, form, _, _ = old_install
    seeding.seed_builtin(db, actor)
    form_services.update_form(
        db,
        form,
        title=form.title,
        fields=_as_installed_before_consent(),
        actor=actor,
        comment="Nous publions autrement",
    )
    db.commit()
    assert seeding.seed_builtin(db, actor)["upgraded_forms"] == 0
    assert {(d.visibility, d.consent_field) for d in _contacts(form).values()} == {("private", None)}


def test_the_upgrade_leaves_alone_what_administrators_changed(db, old_install):
    actor, form, _, _ = old_install
    fields = [dict(f, personal=False, visibility="members", help="Courriel de l’accueil") if f["key"] == "contact_email" else f
              for f in form.fields]  # fmt: skip
    form_services.update_form(db, form, title="Initiatives du pays", fields=fields, actor=actor)
    db.commit()
    assert seeding.seed_builtin(db, actor)["upgraded_forms"] == 1
    contacts = _contacts(form)
    assert (
        contacts["contact_email"].personal,
        contacts["contact_email"].visibility,
        contacts["contact_email"].consent_field,
    ) == (False, "members", None)
    assert contacts["contact_email"].help == "Courriel de l’accueil" and form.title == "Initiatives du pays"
    assert contacts["contact_nom"].consent_field == "contact_consentement"


def test_no_upgrade_without_the_consent_box(db, old_install):
    actor, form, _, _ = old_install
    form_services.update_form(
        db, form, title=form.title, fields=[f for f in form.fields if f["key"] != "contact_consentement"], actor=actor
    )
    db.commit()
    assert seeding.seed_builtin(db, actor)["upgraded_forms"] == 0
    assert {d.consent_field for d in _contacts(form).values()} == {None}
