"""Record services: forms and their evolution, records, history, status, facets."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import make_user
from wiki.auth.services import Anonymous
from wiki.errors import EditConflict
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.records import access
from wiki.records import facets
from wiki.records import form_services
from wiki.records import queries
from wiki.records import services
from wiki.records.models import RecordFacet
from wiki.revisions import diff_snapshots
from wiki.revisions import list_revisions

FIELDS = [
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True},
    {
        "id": "f_00000002",
        "key": "categorie",
        "type": "choice",
        "label": "Catégorie",
        "options": {"choices": [{"value": "bio", "label": "Bio"}, {"value": "local", "label": "Local"}]},
    },
    {"id": "f_00000003", "key": "prix", "type": "number", "label": "Prix", "options": {"unit": "€"}},
    {
        "id": "f_00000004",
        "key": "courriel",
        "type": "email",
        "label": "Courriel",
        "personal": True,
        "visibility": "private",
    },
]


@pytest.fixture
def moderator(db):
    return make_user(db, "Modo", role="moderator")


@pytest.fixture
def form(db, moderator):
    return form_services.create_form(db, key="producteurs", title="Producteurs locaux", fields=FIELDS, actor=moderator)


def test_only_moderators_create_forms(db):
    with pytest.raises(Forbidden):
        form_services.create_form(db, key="x", title="X", fields=FIELDS, actor=make_user(db, "Contrib"))
    with pytest.raises(Forbidden):
        form_services.create_form(db, key="x", title="X", fields=FIELDS, actor=Anonymous())


def test_bad_form_definitions_are_refused_atomically(db, moderator):
    bad = FIELDS + [{"key": "id", "type": "text", "label": "x"}, {"key": "a; DROP TABLE", "type": "text", "label": "y"}]
    with pytest.raises(ValidationError) as caught:
        form_services.create_form(db, key="x", title="X", fields=bad, actor=moderator)
    assert "fields" in caught.value.errors
    with pytest.raises(ValidationError):
        form_services.create_form(db, key="Bad Key", title="X", fields=FIELDS, actor=moderator)


def test_create_record_validates_and_ignores_extra_keys(db, form):
    author = make_user(db, "Contrib")
    record = services.create_record(
        db,
        form,
        {
            "title": "Ferme du Pâtis",
            "categorie": "bio",
            "prix": "12,5",
            "owner_id": 1,
            "status": "archived",
            "form_id": 99,
        },
        actor=author,
        policy="account",
    )
    assert record.title == "Ferme du Pâtis" and record.status == "published"
    assert record.data == {"f_00000001": "Ferme du Pâtis", "f_00000002": "bio", "f_00000003": 12.5, "f_00000004": None}
    assert record.form_id == form.id
    with pytest.raises(ValidationError) as caught:
        services.create_record(
            db, form, {"title": "", "categorie": "inconnue", "prix": "1e309"}, actor=author, policy="account"
        )
    assert set(caught.value.errors) == {"title", "categorie", "prix"}


def test_anonymous_records_wait_for_review(db, form):
    record = services.create_record(db, form, {"title": "Proposée"}, actor=Anonymous(), policy="open")
    assert record.status == "pending"
    with pytest.raises(NotFound):
        services.get_record(db, record.id, Anonymous())
    with pytest.raises(Forbidden):
        services.create_record(db, form, {"title": "Non"}, actor=Anonymous(), policy="account")


def test_history_diff_and_revert(db, form):
    author = make_user(db, "Contrib")
    record = services.create_record(db, form, {"title": "Ferme", "prix": "10"}, actor=author, policy="account")
    result = services.update_record(
        db, record, {"title": "Ferme", "prix": "11"}, actor=author, policy="account", base_revision=1
    )
    assert result.changed and record.revision_number == 2
    same = services.update_record(
        db, record, {"title": "Ferme", "prix": "11"}, actor=author, policy="account", base_revision=2
    )
    assert not same.changed
    revisions = list_revisions(db, "record", record.id)
    assert [r.number for r in revisions] == [2, 1]
    changes = diff_snapshots(revisions[1].snapshot["data"], revisions[0].snapshot["data"])
    assert [(c.key, c.old, c.new) for c in changes] == [("f_00000003", 10, 11)]
    assert services.revert_record(db, record, 1, actor=author, policy="account")
    assert record.data["f_00000003"] == 10 and record.revision_number == 3


def test_concurrent_record_edits_merge_by_field(db, form):
    alice, bob = make_user(db, "Alice"), make_user(db, "Bob")
    record = services.create_record(
        db, form, {"title": "Ferme", "prix": "10", "categorie": "bio"}, actor=alice, policy="account"
    )
    services.update_record(
        db, record, {"title": "Ferme", "prix": "12", "categorie": "bio"}, actor=alice, policy="account", base_revision=1
    )
    services.update_record(
        db, record, {"title": "Ferme", "prix": "10", "categorie": "local"}, actor=bob, policy="account", base_revision=1
    )
    assert record.data["f_00000003"] == 12 and record.data["f_00000002"] == "local"
    mine = {"title": "Ferme", "prix": "15", "categorie": "bio"}
    with pytest.raises(EditConflict) as caught:  # Bob started from revision 1: the price changed since
        services.update_record(db, record, mine, actor=bob, policy="account", base_revision=1)
    assert caught.value.details["fields"] == ["Prix"]
    assert caught.value.details["mine"] == mine


def test_private_fields_are_kept_when_an_outsider_edits(db, form):
    author = make_user(db, "Auteur")
    other = make_user(db, "Autre")
    record = services.create_record(
        db, form, {"title": "Ferme", "courriel": "ferme@example.org"}, actor=author, policy="account"
    )
    assert access.public_values(record, Anonymous()).get("courriel") is None
    assert "courriel" not in access.public_values(record, other)
    assert access.public_values(record, author)["courriel"] == "ferme@example.org"
    services.update_record(db, record, {"title": "Ferme 2"}, actor=other, policy="account", base_revision=1)
    assert record.data["f_00000004"] == "ferme@example.org"
    assert "ferme@example.org" not in record.search_text


def test_form_evolution(db, form, moderator):
    author = make_user(db, "Contrib")
    record = services.create_record(db, form, {"title": "Ferme", "prix": "10"}, actor=author, policy="account")
    renamed = [dict(f) for f in FIELDS]
    renamed[2] = {**renamed[2], "key": "tarif", "label": "Tarif"}
    assert form_services.update_form(db, form, title=form.title, fields=renamed, actor=moderator)
    assert access.public_values(record, author)["tarif"] == 10  # values follow the field id
    retyped = [dict(f) for f in renamed]
    retyped[2] = {**retyped[2], "type": "date"}
    with pytest.raises(ValidationError):
        form_services.update_form(db, form, title=form.title, fields=retyped, actor=moderator)
    removed = [f for f in renamed if f["key"] != "tarif"]
    assert form_services.update_form(db, form, title=form.title, fields=removed, actor=moderator)
    assert form.revision_number == 3
    old = list_revisions(db, "record", record.id)[-1]
    assert old.snapshot["data"]["f_00000003"] == 10  # old revisions stay readable
    with pytest.raises(EditConflict):
        form_services.update_form(db, form, title="Autre", fields=removed, actor=moderator, base_revision=1)


def test_status_workflow(db, form, moderator):
    author = make_user(db, "Contrib")
    record = services.create_record(db, form, {"title": "Brouillon"}, actor=author, policy="account", status="draft")
    assert record.status == "draft"
    services.set_status(db, record, "pending", actor=author)
    with pytest.raises(Forbidden):
        services.set_status(db, record, "published", actor=author)
    services.set_status(db, record, "published", actor=moderator)
    services.verify_record(db, record, actor=author, policy="account")
    assert record.verified_at is not None
    assert [r.action for r in list_revisions(db, "record", record.id)] == ["verify", "status", "status", "create"]


def test_facets_and_filters(db, form):
    author = make_user(db, "Contrib")
    for i in range(6):
        services.create_record(
            db,
            form,
            {"title": f"Ferme {i}", "categorie": "bio" if i % 2 else "local", "prix": str(i)},
            actor=author,
            policy="account",
        )
    services.create_record(
        db, form, {"title": "Cachée", "categorie": "bio"}, actor=author, policy="account", status="draft"
    )
    filters = queries.parse_filters({"categorie": ["bio"], "tri": ["-prix"]}, form, Anonymous())
    result = queries.list_records(db, form, filters)
    assert result.total == 3 and [r.title for r in result.records] == ["Ferme 5", "Ferme 3", "Ferme 1"]
    counts = {f.value: f.count for f in result.facets["categorie"]}
    assert counts == {"bio": 3}
    everything = queries.list_records(db, form, queries.parse_filters({}, form, Anonymous()))
    assert {f.value: f.count for f in everything.facets["categorie"]} == {"bio": 3, "local": 3}
    text = queries.list_records(db, form, queries.parse_filters({"q": ["ferme 4"]}, form, Anonymous()))
    assert [r.title for r in text.records] == ["Ferme 4"]


def test_hostile_list_parameters(db, form):
    filters = queries.parse_filters(
        {
            "tri": ["(CASE WHEN 1 THEN 1 END)"],
            "categorie": ["bio')) UNION SELECT 1 --"] * 50,
            "page": ["1e9"],
            "par_page": ["100000000"],
            "statut": ["draft"],
        },
        form,
        Anonymous(),
    )
    assert filters.sort == "title" and len(filters.values["categorie"]) == 1 and filters.page == 1
    assert filters.per_page == queries.MAX_PER_PAGE and filters.statuses == ["published"]
    assert queries.list_records(db, form, filters).total == 0
    assert db.scalar(select(RecordFacet).limit(1)) is None


def test_text_filter_ignores_accents_and_case(db, form):
    author = make_user(db, "Contrib")
    services.create_record(db, form, {"title": "Médiathèque NUMÉRIQUE"}, actor=author, policy="account")
    services.create_record(db, form, {"title": "Ferme"}, actor=author, policy="account")
    for text in ("numerique", "Numérique", "MEDIATHEQUE numérique"):
        result = queries.list_records(db, form, queries.parse_filters({"q": [text]}, form, Anonymous()))
        assert [r.title for r in result.records] == ["Médiathèque NUMÉRIQUE"], text


# --- personal data published with consent ------------------------------------------------------------

CONSENT_FIELDS = [
    {"id": "f_00000011", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_00000012", "key": "contact", "type": "email", "label": "Courriel du contact", "personal": True,
     "consent_field": "accord"},
    {"id": "f_00000013", "key": "accord", "type": "boolean", "label": "Le contact accepte la publication"},
]  # fmt: skip


@pytest.fixture
def consent_form(db, moderator):
    return form_services.create_form(db, key="contacts", title="Contacts", fields=CONSENT_FIELDS, actor=moderator)


def _sees(actor, record) -> bool:
    field = next(d for d in form_services.form_fields(record.form) if d.key == "contact")
    return access.visible_to(actor, field, record) and "contact" in access.public_values(record, actor)


def test_a_personal_value_is_read_by_everyone_exactly_while_consent_is_ticked(db, consent_form):
    author, other = make_user(db, "Auteur"), make_user(db, "Voisin")
    record = services.create_record(
        db, consent_form, {"title": "Ferme", "contact": "jo@exemple.fr"}, actor=author, policy="account"
    )
    assert not _sees(Anonymous(), record) and not _sees(other, record) and _sees(author, record)
    assert "jo@exemple.fr" not in record.search_text
    services.update_record(
        db,
        record,
        {"title": "Ferme", "contact": "jo@exemple.fr", "accord": "on"},
        actor=author,
        policy="account",
        base_revision=None,
    )
    assert _sees(Anonymous(), record) and _sees(other, record)
    assert access.readable_values(Anonymous(), record)["f_00000012"] == "jo@exemple.fr"
    assert "jo@exemple.fr" in record.search_text  # the lists' text filter finds it now…
    # Anyone who may edit the record may withdraw it; the value is kept for the author and moderators.
    services.update_record(db, record, {"title": "Ferme"}, actor=other, policy="account", base_revision=None)
    assert record.data["f_00000012"] == "jo@exemple.fr" and record.data["f_00000013"] is False
    assert not _sees(Anonymous(), record) and _sees(author, record)
    assert "jo@exemple.fr" not in record.search_text  # …and no longer


def test_only_the_author_and_moderators_may_tick_a_consent_box(db, consent_form, moderator):
    author, other = make_user(db, "Auteur"), make_user(db, "Voisin")
    record = services.create_record(
        db, consent_form, {"title": "Ferme", "contact": "jo@exemple.fr"}, actor=author, policy="account"
    )
    with pytest.raises(ValidationError) as caught:
        services.update_record(
            db, record, {"title": "Ferme", "accord": "on"}, actor=other, policy="account", base_revision=None
        )
    assert (
        set(caught.value.errors) == {"accord"}
        and "Seuls l’auteur de la fiche et les modérateurs" in caught.value.errors["accord"]
    )
    assert record.data.get("f_00000013") is not True
    # A ticked box left as it is by someone else is no new consent.
    services.update_record(
        db,
        record,
        {"title": "Ferme", "contact": "jo@exemple.fr", "accord": "on"},
        actor=moderator,
        policy="account",
        base_revision=None,
    )
    result = services.update_record(
        db, record, {"title": "Ferme bio", "accord": "on"}, actor=other, policy="account", base_revision=None
    )
    assert result.changed and record.data["f_00000013"] is True


def test_consent_lets_people_read_a_personal_value_not_change_it(db, consent_form):
    author, other = make_user(db, "Auteur"), make_user(db, "Voisin")
    record = services.create_record(
        db, consent_form, {"title": "Ferme", "contact": "jo@exemple.fr", "accord": "on"}, actor=author, policy="account"
    )
    contact = next(d for d in form_services.form_fields(consent_form) if d.key == "contact")
    assert access.visible_to(other, contact, record) and not access.editable_by(other, contact, record)
    assert not access.visible_in_history(other, contact, record) and access.visible_in_history(author, contact, record)
    services.update_record(
        db,
        record,
        {"title": "Ferme", "contact": "pirate@exemple.fr", "accord": "on"},
        actor=other,
        policy="account",
        base_revision=None,
    )
    assert record.data["f_00000012"] == "jo@exemple.fr"
    assert access.editable_by(Anonymous(), contact)  # whoever fills a new record gives its personal values


def test_reverting_to_a_consented_version_after_withdrawal_is_for_the_author_and_moderators(
    db, consent_form, moderator
):
    author, other = make_user(db, "Auteur"), make_user(db, "Voisin")
    record = services.create_record(
        db, consent_form, {"title": "Ferme", "contact": "jo@exemple.fr", "accord": "on"}, actor=author, policy="account"
    )
    services.update_record(db, record, {"title": "Ferme"}, actor=other, policy="account", base_revision=None)
    with pytest.raises(Forbidden):
        services.revert_record(db, record, 1, actor=other, policy="account")
    assert record.data["f_00000013"] is False
    assert services.revert_record(db, record, 1, actor=moderator, policy="account")
    assert record.data["f_00000013"] is True


def test_lists_show_consented_values_and_never_facet_or_sort_on_them(db, consent_form):
    author = make_user(db, "Auteur")
    yes = services.create_record(
        db, consent_form, {"title": "Oui", "contact": "oui@exemple.fr", "accord": "on"}, actor=author, policy="account"
    )
    no = services.create_record(
        db, consent_form, {"title": "Non", "contact": "non@exemple.fr"}, actor=author, policy="account"
    )
    assert [d.key for d in access.readable_fields(Anonymous(), consent_form)] == ["title", "contact", "accord"]
    assert access.readable_values(Anonymous(), yes)["f_00000012"] == "oui@exemple.fr"
    assert "f_00000012" not in access.readable_values(Anonymous(), no)
    filters = queries.parse_filters({"tri": ["contact"], "accord": ["true"]}, consent_form, Anonymous())
    assert filters.sort == "title"  # an order would tell the hidden values apart
    found = queries.list_records(
        db, consent_form, queries.parse_filters({"q": ["non@exemple"]}, consent_form, Anonymous())
    )
    assert found.total == 0
    assert (
        queries.list_records(
            db, consent_form, queries.parse_filters({"q": ["oui@exemple"]}, consent_form, Anonymous())
        ).total
        == 1
    )


def test_unlinking_a_consent_box_takes_consented_values_out_of_the_text_filter_at_once(db, consent_form, moderator):
    record = services.create_record(
        db,
        consent_form,
        {"title": "Ferme", "contact": "jo@exemple.fr", "accord": "on"},
        actor=moderator,
        policy="account",
    )
    assert "jo@exemple.fr" in record.search_text
    fields = [{k: v for k, v in f.items() if k != "consent_field"} for f in consent_form.fields]
    form_services.update_form(db, consent_form, title=consent_form.title, fields=fields, actor=moderator)
    assert "jo@exemple.fr" not in record.search_text
    assert "contact" not in access.public_values(record, Anonymous())


def test_a_form_refuses_a_consent_box_that_is_not_a_yes_no_field(db, consent_form, moderator):
    fields = [dict(f, consent_field="title") if f["key"] == "contact" else f for f in consent_form.fields]
    with pytest.raises(ValidationError) as caught:
        form_services.update_form(db, consent_form, title=consent_form.title, fields=fields, actor=moderator)
    assert "doit être un champ oui/non" in caught.value.errors["fields"]


def test_an_imported_record_keeps_its_source_author_date_and_other_properties(db, form, moderator):
    from datetime import datetime

    from wiki.revisions import Provenance

    origin = Provenance("WikiAdmin", datetime(2019, 5, 4, 12, 0))
    record = services.create_record(
        db,
        form,
        {"title": "Ferme du Pâtis"},
        actor=moderator,
        policy="account",
        provenance=origin,
        extra={"osm_id": 123, "horaires": "mar-sam 9h-12h", "tags": ["a", "b"]},
    )
    assert record.created_at.replace(tzinfo=None) == datetime(2019, 5, 4, 12, 0)
    assert record.extra == {"osm_id": 123, "horaires": "mar-sam 9h-12h", "tags": "['a', 'b']"}
    first = list_revisions(db, "record", record.id)[0]
    assert first.imported_author == "WikiAdmin" and first.created_at.replace(tzinfo=None) == datetime(2019, 5, 4, 12)
    same = services.update_record(
        db, record, {"title": "Ferme du Pâtis"}, actor=moderator, policy="account", base_revision=None,
        extra=dict(record.extra),
    )  # fmt: skip
    assert not same.changed
    moved = services.update_record(
        db, record, {"title": "Ferme du Pâtis"}, actor=moderator, policy="account", base_revision=None,
        extra={"osm_id": 124},
    )  # fmt: skip
    assert moved.changed and record.extra == {"osm_id": 124} and record.revision_number == 2
    typed = services.update_record(
        db, record, {"title": "Ferme du Pâtis (Redon)"}, actor=moderator, policy="account", base_revision=None
    )
    assert typed.changed and record.extra == {"osm_id": 124}  # a typed-in edit keeps them


def test_a_new_record_is_stored_with_the_derived_data_a_refresh_computes(db, form):
    author = make_user(db, "Contrib")
    record = services.create_record(
        db, form, {"title": "Ferme du Pâtis", "categorie": "bio", "prix": "12"}, actor=author, policy="account"
    )
    db.flush()
    db.expire(record)
    created = (record.search_text, sorted(db.scalars(select(RecordFacet.field_id + "=" + RecordFacet.value))))
    facets.refresh_record(db, record, services.form_fields(form))  # the path of an update
    db.flush()
    refreshed = (record.search_text, sorted(db.scalars(select(RecordFacet.field_id + "=" + RecordFacet.value))))
    assert created == refreshed and "ferme du patis" in created[0] and "f_00000002=bio" in created[1]
