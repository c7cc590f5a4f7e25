"""Tests for wiki.records.disclosure: who reads which values, with personal data and consent (pure, no app)."""

from __future__ import annotations

import pytest

from wiki.records import disclosure as D
from wiki.records import fields as F

FIELDS = F.validate_schema([
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom"},
    {"id": "f_00000002", "key": "note", "type": "text", "label": "Note", "visibility": "members"},
    {"id": "f_00000003", "key": "interne", "type": "text", "label": "Interne", "visibility": "private"},
    {"id": "f_00000004", "key": "accord", "type": "boolean", "label": "La personne accepte la publication"},
    {"id": "f_00000005", "key": "courriel", "type": "email", "label": "Courriel", "personal": True, "consent_field": "accord"},
    {"id": "f_00000006", "key": "telephone", "type": "phone", "label": "Téléphone", "personal": True},
    {"id": "f_00000007", "key": "adresse", "type": "text", "label": "Adresse", "personal": True, "visibility": "members",
     "consent_field": "accord"},
    {"id": "f_00000008", "key": "naissance", "type": "date", "label": "Naissance", "personal": True, "visibility": "private",
     "consent_field": "accord"},
])  # fmt: skip
BY_KEY = {f.key: f for f in FIELDS}
RULE = D.Disclosure(FIELDS)
VALUES = {"f_00000001": "Ferme", "f_00000002": "n", "f_00000003": "i", "f_00000005": "jo@exemple.fr",
          "f_00000006": "02 99 71 06 04", "f_00000007": "1 rue", "f_00000008": "1980-01-01"}  # fmt: skip
TICKED = VALUES | {"f_00000004": True}
UNTICKED = VALUES | {"f_00000004": False}


def shown(data, reader):
    return {f.key for f in FIELDS if RULE.shows(f, data, reader)}


def test_without_consent_personal_values_stay_with_moderators_and_the_author():
    assert shown(UNTICKED, "public") == {"title", "accord"}
    assert shown(UNTICKED, "members") == {"title", "note", "accord"}
    assert shown(UNTICKED, "private") == set(BY_KEY)


def test_a_ticked_box_gives_each_personal_field_its_own_visibility():
    assert shown(TICKED, "public") == {"title", "accord", "courriel"}
    assert shown(TICKED, "members") == {"title", "note", "accord", "courriel", "adresse"}
    # A private field stays private, consent or not; a personal field without box is never opened.
    assert "naissance" not in shown(TICKED, "members") and "telephone" not in shown(TICKED, "members")


@pytest.mark.parametrize("value", ["on", "true", 1, "oui", None])
def test_only_a_stored_true_counts_as_consent(value):
    assert not RULE.consented(BY_KEY["courriel"], VALUES | {"f_00000004": value})


def test_values_is_the_projection_a_reader_may_read():
    assert RULE.values(TICKED) == {"f_00000001": "Ferme", "f_00000004": True, "f_00000005": "jo@exemple.fr"}
    assert RULE.values(UNTICKED) == {"f_00000001": "Ferme", "f_00000004": False}
    assert RULE.values({}) == {}


def test_columns_and_facets_differ_for_personal_fields_under_consent():
    assert [f.key for f in RULE.columns("public")] == ["title", "accord", "courriel"]
    assert [f.key for f in RULE.columns("members")] == ["title", "note", "accord", "courriel", "adresse"]
    # Counts, orders, history and edit rights never count consent.
    assert [f.key for f in FIELDS if D.shows_always(f, "public")] == ["title", "accord"]
    assert [f.key for f in FIELDS if D.shows_always(f, "members")] == ["title", "note", "accord"]


def test_consent_boxes_are_resolved_by_key():
    assert RULE.consent_field(BY_KEY["courriel"]) == BY_KEY["accord"]
    assert RULE.consent_field(BY_KEY["telephone"]) is None and RULE.consent_field(BY_KEY["title"]) is None
    assert RULE.consent_fields() == [BY_KEY["accord"]]


@pytest.mark.parametrize(
    "box",
    [
        pytest.param({"id": "f_000000aa", "key": "autre", "type": "boolean", "label": "Autre"}, id="missing"),
        pytest.param({"id": "f_000000aa", "key": "accord", "type": "text", "label": "Accord"}, id="not_yes_no"),
        pytest.param(
            {"id": "f_000000aa", "key": "accord", "type": "boolean", "label": "Accord", "personal": True}, id="personal"
        ),
    ],
)
def test_a_box_stored_without_validation_opens_nothing(box):
    # Field by field parsing (FieldDef.from_dict) does not see the other fields: the rule must not trust the link.
    personal = F.FieldDef.from_dict({"id": "f_000000bb", "key": "courriel", "type": "email", "label": "Courriel",
                                     "personal": True, "consent_field": "accord"})  # fmt: skip
    rule = D.Disclosure([F.FieldDef.from_dict(box), personal])
    assert not rule.shows(personal, {"f_000000aa": True, "f_000000bb": "jo@exemple.fr"})
    assert not rule.may_show(personal) and rule.consent_fields() == []


def test_an_unknown_visibility_counts_as_private():
    odd = F.FieldDef(id="f_000000cc", key="x", type="text", label="X", visibility="secret")
    assert not D.Disclosure([odd]).shows(odd, {}, "members") and not D.shows_always(odd, "private")


@pytest.mark.parametrize("reader", D.READERS)
@pytest.mark.parametrize("box", [True, False, "on", None, "missing"])
def test_values_agrees_with_shows_field_by_field(reader, box):
    odd = F.FieldDef(
        id="f_000000dd", key="odd", type="text", label="X", visibility="secret", personal=True, consent_field="accord"
    )
    rule = D.Disclosure([*FIELDS, odd])
    data = VALUES | {"f_000000dd": "?"} | ({} if box == "missing" else {"f_00000004": box})
    for _ in range(2):  # the plan made on the first call gives the same answer on the next
        assert rule.values(data, reader) == {
            f.id: data[f.id] for f in rule.fields if f.id in data and rule.shows(f, data, reader)
        }
