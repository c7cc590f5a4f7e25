"""Tests for wiki.records.fields: form schemas, value cleaning, display and search text.

Pure tests (no app, no database). HOSTILE_INPUTS B4-33..39, B4-41 and B5-45
are each named in a test id.
"""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import pytest

# Module imports: valid under both ruff default isort and force-single-line.
from wiki.records import display
from wiki.records import fields as F

CTX = F.Context(
    choice_lists={"porteurs": ["association", "commune", "collectif-informel"]},
    theme_keys=frozenset({"mobilite", "inclusion-numerique", "tiers-lieu"}),
    theme_lookup={"mobilité": "mobilite", "transport": "mobilite", "inclusion numérique": "inclusion-numerique"},
)
CHOICES = [
    {"value": "idee", "label": "Idée"},
    {"value": "en-cours", "label": "En cours"},
    {"value": "realise", "label": "Réalisé"},
]
NBSP, NNBSP = "\u00a0", "\u202f"


def field(kind: str, key: str = "champ", *, ident: str = "f_0000abcd", **options) -> F.FieldDef:
    return F.FieldDef(id=ident, key=key, type=kind, label="Champ", options=options)


def clean(kind: str, raw, ctx: F.Context = CTX, **options):
    return F.clean_value(field(kind, **options), raw, ctx)


def refused(kind: str, raw, ctx: F.Context = CTX, **options) -> str:
    with pytest.raises(F.FieldError) as caught:
        clean(kind, raw, ctx, **options)
    assert caught.value.message == str(caught.value)
    return caught.value.message


def spec(**overrides) -> dict:
    return {"key": "nom", "type": "text", "label": "Nom"} | overrides


def schema_errors(items) -> list[str]:
    with pytest.raises(F.SchemaError) as caught:
        F.validate_schema(items)
    return caught.value.errors


# --- purity ------------------------------------------------------------------------------

RECORDS = Path(F.__file__).parent


#: The pure modules' syntax trees, parsed while the tests are collected (CPython 3.11.7 can refuse a later
#: ``ast.parse`` in a worker where another test caught a RecursionError, gh-106905).
PURE_TREES = {
    name: ast.parse((RECORDS / name).read_text(encoding="utf-8"))
    for name in [
        "fields.py",
        "schema.py",
        "options.py",
        "disclosure.py",
        "values.py",
        "schedules.py",
        "contacts.py",
        "display.py",
        "zone_fields.py",
        "../../geodata/fields.py",
    ]
}


@pytest.mark.parametrize("name", list(PURE_TREES))
def test_pure_modules_import_no_flask_sqlalchemy_nor_other_wiki_modules(name):
    tree = PURE_TREES[name]
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {f"{n.module}.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    bad = {
        m
        for m in imported
        if m.split(".")[0] in ("flask", "sqlalchemy", "flask_babel")
        or (m.startswith("wiki.") and not m.startswith(("wiki.records.", "wiki.agenda.rules", "wiki.agenda.builder")))
    }
    assert bad == set()
    assert not {
        m
        for m in imported
        if m.startswith("wiki.records.")
        and m.split(".")[2]
        not in (
            "schema",
            "options",
            "disclosure",
            "values",
            "schedules",
            "contacts",
            "display",
            "geometry",
            "zone_fields",
        )
    }


# --- schema: keys (B4-33) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("`name` , (SELECT password FROM user)) -- ", id="injected_sql_key"),
        pytest.param('"; DROP TABLE records; --', id="drop_table_key"),
        pytest.param("__proto__", id="proto_key"),
        pytest.param("Nom", id="uppercase_key"),
        pytest.param("prénom", id="accented_key"),
        pytest.param("1er", id="leading_digit_key"),
        pytest.param("_nom", id="leading_underscore_key"),
        pytest.param("a" * 65, id="65_chars_key"),
        pytest.param("nom\n", id="trailing_newline_key"),
        pytest.param("nom-complet", id="dash_key"),
        pytest.param("", id="empty_key"),
        pytest.param(None, id="missing_key"),
        pytest.param(12, id="number_key"),
    ],
)
def test_injected_or_malformed_key_is_refused(key):
    errors = schema_errors([spec(key=key)])
    assert len(errors) == 1 and errors[0].startswith("Champ 1 :") and "clé" in errors[0]


def test_injected_sql_key_is_refused_and_quoted_harmlessly():
    errors = schema_errors([spec(), spec(key="`name` , (SELECT password FROM user)) -- ")])
    assert errors[0].startswith("Champ 2 :") and "« `name` , (SELECT password FROM user)) -… »" in errors[0]


@pytest.mark.parametrize(
    "key", ["id", "created_by", "owner_id", "status", "form_id", "is_private", "select", "password", "data", "slug"]
)
def test_reserved_key_is_refused(key):
    errors = schema_errors([spec(key=key)])
    assert errors == [f"Champ 1 (« {key} ») : la clé « {key} » est réservée, choisissez-en une autre."]


@pytest.mark.parametrize("key", ["title", "geometry", "a", "a" * 64, "contact_email_2"])
def test_plain_keys_title_and_geometry_are_allowed(key):
    assert F.validate_schema([spec(key=key)])[0].key == key


def test_key_re_does_not_match_a_trailing_newline_even_with_match():
    assert F.KEY_RE.match("nom\n") is None
    assert F.KEY_RE.match("nom")


def test_duplicate_keys_are_refused():
    errors = schema_errors([spec(), spec(label="Autre")])
    assert errors == ["Champ 2 (« nom ») : la clé « nom » est déjà celle du champ 1."]


def test_keys_taken_by_a_schedule_inputs_are_refused():
    errors = schema_errors([spec(key="rdv", type="schedule"), spec(key="rdv_start")])
    assert errors == [
        "Champ 2 (« rdv_start ») : la clé « rdv_start » est prise par les cases du champ horaire « rdv »."
    ]


# --- schema: ids, types, labels, flags ----------------------------------------------------


def test_new_field_ids_are_well_formed_and_distinct():
    ids = {F.new_field_id() for _ in range(200)}
    assert len(ids) == 200 and all(
        len(i) == 10 and i.startswith("f_") and set(i[2:]) <= set("0123456789abcdef") for i in ids
    )


def test_missing_id_gets_a_fresh_one_and_given_id_is_kept():
    new, kept = F.validate_schema([spec(), spec(key="age", type="number", id="f_0123abcd")])
    assert new.id.startswith("f_") and len(new.id) == 10
    assert kept.id == "f_0123abcd"


@pytest.mark.parametrize("ident", ["f_XYZ", "f_0123ABCD", "0123abcd", "f_0123abcde", 12, ""])
def test_malformed_id_is_refused(ident):
    assert "identifiant interne" in schema_errors([spec(id=ident)])[0]


def test_duplicate_ids_are_refused():
    errors = schema_errors([spec(id="f_0000aaaa"), spec(key="age", id="f_0000aaaa")])
    assert errors == ["Champ 2 (« age ») : l'identifiant « f_0000aaaa » est déjà celui du champ 1."]


@pytest.mark.parametrize("kind", ["password", "script", "Text", "", None, ["text"]])
def test_unknown_field_type_is_refused(kind):
    assert "type de champ inconnu" in schema_errors([spec(type=kind)])[0]


def test_every_field_type_is_accepted():
    items = [
        spec(key=f"k_{kind}", type=kind, options={"choices": CHOICES} if "choice" in kind else {})
        for kind in F.FIELD_TYPES
    ]
    assert [f.type for f in F.validate_schema(items)] == list(F.FIELD_TYPES)


def test_ten_thousand_fields_are_refused_at_once():
    assert schema_errors([spec(key=f"k{i}") for i in range(10_000)]) == ["Trop de champs : 10000 (200 au plus)."]


def test_two_hundred_fields_are_accepted():
    assert len(F.validate_schema([spec(key=f"k{i}") for i in range(F.MAX_FIELDS)])) == 200


def test_nested_conditions_a_thousand_deep_are_refused():
    deep: dict = {}
    for _ in range(1000):
        deep = {"if": deep}
    errors = schema_errors([spec(conditions=deep)])
    assert errors == ["Champ 1 (« nom ») : propriété inconnue « conditions »."]


@pytest.mark.parametrize(
    "item, fragment",
    [
        pytest.param(spec(label=""), "libellé", id="empty_label"),
        pytest.param(spec(label="   "), "libellé", id="blank_label"),
        pytest.param(spec(label="x" * 201), "libellé", id="label_201_chars"),
        pytest.param(spec(label="Nom\nPrénom"), "libellé", id="label_with_newline"),
        pytest.param(spec(label="Nom\x00"), "libellé", id="label_with_nul"),
        pytest.param(spec(label="Nom\tPrénom"), "libellé", id="label_with_tab"),
        pytest.param(spec(label="Nom\rPrénom"), "libellé", id="label_with_cr"),
        pytest.param(spec(label=None), "libellé", id="missing_label"),
        pytest.param(spec(help="x" * 1001), "aide", id="help_1001_chars"),
        pytest.param(spec(help=["x"]), "aide", id="help_not_text"),
        pytest.param(spec(required="yes"), "required", id="required_not_bool"),
        pytest.param(spec(personal=1), "personal", id="personal_not_bool"),
        pytest.param(spec(visibility="everyone"), "visibilité", id="unknown_visibility"),
        pytest.param(spec(options=["max_length"]), "options", id="options_not_an_object"),
        pytest.param(spec(options={"pattern": "^(a+)+$"}), "option inconnue « pattern »", id="user_regex_option"),
        pytest.param("nom", "un objet", id="field_not_an_object"),
    ],
)
def test_bad_field_properties_are_refused(item, fragment):
    errors = schema_errors([item])
    assert len(errors) == 1 and fragment in errors[0]


def test_help_may_hold_newlines_and_labels_are_nfc():
    (f,) = F.validate_schema([spec(label="Cafe\u0301", help="Ligne 1\r\nLigne 2")])
    assert f.label == "Café" and f.help == "Ligne 1\nLigne 2"


def test_definition_that_is_not_a_list_is_refused():
    assert schema_errors({"key": "nom"}) == ["La définition du formulaire doit être une liste de champs."]


def test_schema_errors_are_exhaustive_and_atomic():
    items = [
        spec(key="id"),
        spec(key="ok"),
        spec(key="age", type="nombre"),
        spec(key="bio", label=""),
        spec(key="ok", type="number"),
    ]
    errors = schema_errors(items)
    assert [e.split(" :")[0] for e in errors] == [
        "Champ 1 (« id »)",
        "Champ 3 (« age »)",
        "Champ 4 (« bio »)",
        "Champ 5 (« ok »)",
    ]


def test_one_field_may_collect_several_problems():
    errors = schema_errors([{"key": "Nom", "type": "nope", "label": "", "visibility": "x", "extra": 1}])
    assert len(errors) == 5 and all(e.startswith("Champ 1 :") for e in errors)


def test_field_round_trips_through_to_dict_and_from_dict():
    (f,) = F.validate_schema(
        [
            spec(
                type="choice",
                help="Aide",
                required=True,
                visibility="members",
                personal=True,
                options={"choices": CHOICES},
            )
        ]
    )
    data = f.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"id", "key", "type", "label", "help", "required", "visibility", "personal", "options"}
    assert F.FieldDef.from_dict(data) == f


def test_from_dict_validates():
    with pytest.raises(F.SchemaError):
        F.FieldDef.from_dict(spec(key="created_by"))


# --- schema: options per type -------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, options",
    [
        pytest.param("text", {"max_length": 500}, id="text_max_length"),
        pytest.param("longtext", {"max_length": 100_000}, id="longtext_max_length"),
        pytest.param("number", {"min": 0, "max": 1e6, "integer": True, "unit": "habitants"}, id="number_all"),
        pytest.param("choice", {"list": "porteurs"}, id="choice_shared_list"),
        pytest.param("multichoice", {"choices": CHOICES, "max_items": 2}, id="multichoice_inline"),
        pytest.param("date", {"min": "2000-01-01", "max": "2030-12-31"}, id="date_bounds"),
        pytest.param("datetime", {"min": "2026-01-01T00:00", "max": "2026-12-31T23:59+01:00"}, id="datetime_bounds"),
        pytest.param("geometry", {"kinds": ["Point", "Polygon"]}, id="geometry_kinds"),
        pytest.param("zone", {"levels": ["commune", "epci"], "multiple": True}, id="zone_levels"),
        pytest.param("theme", {"max_items": 3}, id="theme_max_items"),
        pytest.param("image", {"max_bytes": 5_000_000}, id="image_max_bytes"),
        pytest.param("link", {"target": "record", "form": "initiative"}, id="link_record_form"),
        pytest.param("link", {"target": "page"}, id="link_page"),
    ],
)
def test_valid_options_are_accepted(kind, options):
    (f,) = F.validate_schema([spec(type=kind, options=options)])
    assert f.options == {k: list(v) if isinstance(v, tuple) else v for k, v in options.items()}


@pytest.mark.parametrize(
    "kind, options, fragment",
    [
        pytest.param("text", {"max_length": 0}, "max_length", id="text_max_length_zero"),
        pytest.param("text", {"max_length": 10_001}, "max_length", id="text_max_length_too_big"),
        pytest.param("text", {"max_length": "300"}, "max_length", id="text_max_length_string"),
        pytest.param("text", {"max_length": True}, "max_length", id="text_max_length_bool"),
        pytest.param("text", {"max_length": {"$gt": 1}}, "max_length", id="text_max_length_nested"),
        pytest.param("text", {"min": 1}, "option inconnue", id="text_foreign_option"),
        pytest.param("number", {"min": 10, "max": 1}, "minimum dépasse", id="number_min_above_max"),
        pytest.param("number", {"min": math.nan}, "min", id="number_min_nan"),
        pytest.param("number", {"max": math.inf}, "max", id="number_max_infinite"),
        pytest.param("number", {"min": "0"}, "min", id="number_min_string"),
        pytest.param("number", {"unit": "x" * 21}, "unit", id="number_unit_too_long"),
        pytest.param("number", {"integer": "yes"}, "integer", id="number_integer_not_bool"),
        pytest.param("choice", {}, "soit une liste", id="choice_without_values"),
        pytest.param("choice", {"list": "porteurs", "choices": CHOICES}, "pas les deux", id="choice_list_and_choices"),
        pytest.param("choice", {"list": "Porteurs!"}, "list", id="choice_bad_list_key"),
        pytest.param(
            "choice", {"choices": [{"value": "Bad Value", "label": "x"}]}, "valeur de choix", id="choice_bad_value"
        ),
        pytest.param(
            "choice",
            {"choices": [{"value": "a", "label": "A"}, {"value": "a", "label": "B"}]},
            "en double",
            id="choice_duplicate_value",
        ),
        pytest.param(
            "choice", {"choices": [{"value": "a", "label": "A", "onclick": "x"}]}, "exactement", id="choice_extra_key"
        ),
        pytest.param("choice", {"choices": [{"value": "a", "label": ""}]}, "libellé", id="choice_empty_label"),
        pytest.param(
            "choice", {"choices": [{"value": f"v{i}", "label": "x"} for i in range(501)]}, "500", id="choice_501_items"
        ),
        pytest.param("choice", {"choices": [["a", "A"]]}, "exactement", id="choice_nested_list"),
        pytest.param("multichoice", {"choices": CHOICES, "max_items": 0}, "max_items", id="multichoice_max_items_zero"),
        pytest.param("date", {"min": "2024-02-30"}, "min", id="date_min_impossible"),
        pytest.param("date", {"min": "2030-01-01", "max": "2020-01-01"}, "minimum dépasse", id="date_min_above_max"),
        pytest.param("datetime", {"max": "2026-13-01T00:00"}, "max", id="datetime_max_impossible"),
        pytest.param("geometry", {"kinds": ["Circle"]}, "kinds", id="geometry_unknown_kind"),
        pytest.param("geometry", {"kinds": []}, "kinds", id="geometry_no_kind"),
        pytest.param("geometry", {"kinds": [["Point"]]}, "kinds", id="geometry_nested_kind"),
        pytest.param("zone", {"levels": ["quartier"]}, "levels", id="zone_unknown_level"),
        pytest.param("zone", {"levels": ["departement", "region"]}, "ambigus", id="zone_departement_and_region"),
        pytest.param("zone", {"levels": ["commune", "canton"]}, "ambigus", id="zone_commune_and_canton"),
        pytest.param("zone", {"levels": ["epci", "autre"]}, "ambigus", id="zone_autre_with_another_level"),
        pytest.param("theme", {"max_items": 101}, "max_items", id="theme_max_items_too_big"),
        pytest.param("file", {"max_bytes": -1}, "max_bytes", id="file_negative_max_bytes"),
        pytest.param("link", {"target": "url"}, "target", id="link_unknown_target"),
        pytest.param("link", {"target": "page", "form": "initiative"}, "fiche liée", id="link_page_with_form"),
        pytest.param("url", {"max_length": 10}, "option inconnue", id="url_has_no_options"),
    ],
)
def test_bad_options_are_refused(kind, options, fragment):
    errors = schema_errors([spec(type=kind, options=options)])
    assert len(errors) == 1 and fragment in errors[0], errors


def test_validate_choices_normalises_and_refuses():
    assert F.validate_choices([{"value": "a", "label": " Cafe\u0301 "}]) == [{"value": "a", "label": "Café"}]
    with pytest.raises(F.SchemaError) as caught:
        F.validate_choices([{"value": "A B", "label": "x"}])
    assert caught.value.errors[0].startswith("Liste de choix :")


# --- schema: consent to publish a personal field ------------------------------------------

BOX = {"id": "f_000000b0", "key": "accord", "type": "boolean", "label": "La personne accepte la publication"}


def test_a_personal_field_may_name_its_consent_box():
    box, mail = F.validate_schema([BOX, spec(key="courriel", type="email", personal=True, consent_field="accord")])
    assert mail.consent_field == "accord" and box.consent_field is None
    data = mail.to_dict()
    assert data["consent_field"] == "accord" and F.FieldDef.from_dict(data) == mail
    assert "consent_field" not in box.to_dict()  # definitions stored before consent existed stay equal
    # An empty choice (the builder's « aucune ») is no box.
    (plain,) = F.validate_schema([spec(personal=True, consent_field="")])
    assert plain.consent_field is None


@pytest.mark.parametrize(
    "fields, fragment",
    [
        pytest.param([spec(personal=True, consent_field="accord")], "« accord » n'est pas un champ du formulaire", id="missing"),
        pytest.param([spec(key="accord", label="Accord"), spec(key="courriel", personal=True, consent_field="accord")],
                     "« accord » doit être un champ oui/non", id="not_yes_no"),
        pytest.param([BOX | {"personal": True}, spec(key="courriel", personal=True, consent_field="accord")],
                     "« accord » ne peut pas être elle-même une donnée personnelle", id="box_personal"),
        pytest.param([BOX, spec(key="courriel", consent_field="accord")], "ne s'emploie qu'avec une donnée personnelle",
                     id="field_not_personal"),
        pytest.param([BOX, spec(key="courriel", personal=True, consent_field="Accord !")], "case de consentement « Accord ! » invalide",
                     id="not_a_key"),
        pytest.param([BOX, spec(key="courriel", personal=True, consent_field=["accord"])], "case de consentement", id="not_text"),
        pytest.param([BOX | {"personal": True, "consent_field": "accord"}], "ne peut pas être elle-même", id="itself"),
    ],
)  # fmt: skip
def test_bad_consent_boxes_are_refused_in_french(fields, fragment):
    errors = schema_errors(fields)
    assert len(errors) == 1 and fragment in errors[0], errors
    assert errors[0].startswith(f"Champ {len(fields)} (« ")


def test_consent_problems_join_the_other_problems_of_the_definition():
    errors = schema_errors([spec(key="id"), spec(key="courriel", type="email", personal=True, consent_field="accord")])
    assert [e.split(" :")[0] for e in errors] == ["Champ 1 (« id »)", "Champ 2 (« courriel »)"]


def test_a_field_parsed_alone_does_not_look_for_its_box():
    # Forms are read field by field (services.form_fields): the box is checked with the whole definition.
    field = F.FieldDef.from_dict(spec(key="courriel", type="email", personal=True, consent_field="accord"))
    assert field.consent_field == "accord"


# --- text and longtext ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        pytest.param("  Redon  ", "Redon", id="stripped"),
        pytest.param("Pays\n de\tRedon", "Pays de Redon", id="whitespace_collapsed"),
        pytest.param("Re\x00don\x1b", "Redon", id="nul_and_escape_removed"),
        pytest.param("Pays\x0bde\x85Redon", "Pays de Redon", id="vertical_tab_and_nel_are_spaces"),
        pytest.param("Cafe\u0301", "Café", id="nfc"),
        pytest.param(f"12{NBSP}€", f"12{NBSP}€", id="nbsp_kept"),
        pytest.param("a\ud800b", "ab", id="lone_surrogate_removed"),
        pytest.param("   ", None, id="blank_is_none"),
        pytest.param("<script>alert(1)</script>", "<script>alert(1)</script>", id="html_kept_as_text"),
    ],
)
def test_text_is_normalised(raw, expected):
    assert clean("text", raw) == expected


@pytest.mark.parametrize("raw", [["a"], {"a": 1}, True, 12], ids=["list", "dict", "bool", "number"])
def test_text_refuses_non_strings(raw):
    assert refused("text", raw) == "Texte attendu."


def test_text_length_is_capped():
    assert clean("text", "x" * 300) == "x" * 300
    assert refused("text", "x" * 301) == "Texte trop long : 301 caractères (300 au plus)."
    assert refused("text", "x" * 11, max_length=10).startswith("Texte trop long")


def test_longtext_keeps_lines_and_normalises_newlines():
    assert clean("longtext", "\n# Titre\r\n\r\n- un\r- deux\x00  \n") == "# Titre\n\n- un\n- deux"
    assert clean("longtext", "x" * 50_000) and refused("longtext", "x" * 50_001).startswith("Texte trop long")


# --- numbers (B4-36) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        pytest.param("12,5", 12.5, id="french_decimal_comma"),
        pytest.param("12.5", 12.5, id="decimal_point"),
        pytest.param("1 234,5", 1234.5, id="space_thousands"),
        pytest.param(f"1{NBSP}234,5", 1234.5, id="nbsp_thousands"),
        pytest.param(f"1{NNBSP}234{NNBSP}567", 1234567, id="narrow_nbsp_thousands"),
        pytest.param("-3", -3, id="negative"),
        pytest.param("+7", 7, id="explicit_plus"),
        pytest.param(" 42 ", 42, id="surrounding_spaces"),
        pytest.param(",5", 0.5, id="leading_comma"),
        pytest.param("12,0", 12, id="integral_decimal_is_int"),
        pytest.param(12, 12, id="json_int"),
        pytest.param(2.5, 2.5, id="json_float"),
        pytest.param("0,1", 0.1, id="exact_decimal"),
        pytest.param("12 345 678,9", 12345678.9, id="several_thousands_groups"),
        pytest.param("\u22123", -3, id="typographic_minus"),
    ],
)
def test_number_accepts_french_and_international_notation(raw, expected):
    value = clean("number", raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("raw", ["-0", -0.0, "-0,0", 0])
def test_negative_zero_becomes_zero(raw):
    value = clean("number", raw)
    assert value == 0 and json.dumps(value) == "0"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("1e309", id="overflowing_exponent"),
        pytest.param("1e5", id="exponent"),
        pytest.param("NaN", id="nan_text"),
        pytest.param("Infinity", id="infinity_text"),
        pytest.param("-Infinity", id="minus_infinity_text"),
        pytest.param("0x10", id="hexadecimal"),
        pytest.param([1], id="list"),
        pytest.param({"value": 1}, id="dict"),
        pytest.param(True, id="json_true"),
        pytest.param(False, id="json_false"),
        pytest.param(math.nan, id="float_nan"),
        pytest.param(math.inf, id="float_infinity"),
        pytest.param("1.234,5", id="mixed_separators"),
        pytest.param("12,5,3", id="two_commas"),
        pytest.param("douze", id="words"),
        pytest.param("١٢", id="arabic_digits"),
        pytest.param("1" * 41, id="too_many_digits"),
        pytest.param("1 2 3", id="spaces_not_between_thousands"),
        pytest.param("1234 567", id="first_group_too_long"),
        pytest.param("- 3", id="space_after_sign"),
    ],
)
def test_number_type_confusion_is_refused(raw):
    assert (
        refused("number", raw)
        == "Nombre invalide : utilisez des chiffres, avec une virgule pour les décimales (ex. 12,5)."
    )


@pytest.mark.parametrize("raw", [10**16, "10000000000000000", 1e300], ids=["int", "text", "float"])
def test_huge_numbers_are_refused(raw):
    assert refused("number", raw).startswith("Nombre trop grand")


def test_number_strips_only_its_own_unit():
    assert clean("number", "2 000 €", unit="€") == 2000
    assert clean("number", "2000€", unit="€") == 2000
    assert clean("number", "8 745 habitants", unit="habitants") == 8745
    assert refused("number", "2 000 $", unit="€").startswith("Nombre invalide")
    assert refused("number", "2 000 €").startswith("Nombre invalide")


def test_number_integer_and_bounds():
    assert clean("number", "12,0", integer=True) == 12
    assert refused("number", "12,5", integer=True) == "Nombre entier attendu, sans décimales."
    assert refused("number", "-1", min=0) == "Le nombre doit être au moins 0."
    assert refused("number", "1500,5", max=1000.5) == "Le nombre doit être au plus 1\u202f000,5."


# --- booleans ----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [True, "on", "oui", "true", "1", "yes", "OUI", " On ", 1])
def test_boolean_true_values(raw):
    assert clean("boolean", raw) is True


@pytest.mark.parametrize("raw", [False, None, "", "off", "non", "false", "0", "no", 0])
def test_boolean_false_values_and_absent(raw):
    assert clean("boolean", raw) is False


@pytest.mark.parametrize("raw", ["peut-être", 2, [True], {"v": True}])
def test_boolean_other_values_are_refused(raw):
    assert refused("boolean", raw) == "Valeur invalide : « oui » ou « non » attendu."


# --- choices (B4-39) -------------------------------------------------------------------------------


def test_choice_accepts_inline_and_shared_values():
    assert clean("choice", "en-cours", choices=CHOICES) == "en-cours"
    assert clean("choice", " association ", list="porteurs") == "association"


@pytest.mark.parametrize("raw", ["termine", "En cours", "<script>", "idee "[:-1] + "x"])
def test_select_value_not_in_option_list_is_refused(raw):
    assert refused("choice", raw, choices=CHOICES).startswith("Choix non autorisé : «")


def test_choice_refuses_several_values_and_non_strings():
    assert refused("choice", ["idee", "realise"], choices=CHOICES) == "Un seul choix attendu."
    assert refused("choice", 1, choices=CHOICES) == "Un seul choix attendu."
    assert clean("choice", ["idee"], choices=CHOICES) == "idee"  # stored while the field was a multichoice


def test_choice_with_missing_shared_list_is_an_error_not_a_crash():
    assert "introuvable" in refused("choice", "association", list="inconnue")


def test_multichoice_keeps_order_and_drops_duplicates_and_blanks():
    assert clean("multichoice", ["realise", "idee", "realise", ""], choices=CHOICES) == ["realise", "idee"]
    assert clean("multichoice", "idee", choices=CHOICES) == ["idee"]
    assert clean("multichoice", [""], choices=CHOICES) is None


def test_multichoice_values_not_in_option_list_are_refused_together():
    assert refused("multichoice", ["idee", "x", "y"], choices=CHOICES) == "Choix non autorisés : « x », « y »."
    assert refused("multichoice", [1], choices=CHOICES) == "Liste de choix attendue."
    assert refused("multichoice", ["idee"] * 1001, choices=CHOICES) == "Liste de choix attendue."


def test_multichoice_max_items():
    assert (
        refused("multichoice", ["idee", "en-cours", "realise"], choices=CHOICES, max_items=2)
        == "Trop de choix : 2 au plus."
    )


# --- dates (B4-37) -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2026-05-02", "2026-05-02"),
        ("02/05/2026", "2026-05-02"),
        ("2/5/2026", "2026-05-02"),
        ("2024-02-29", "2024-02-29"),
        ("1800-01-01", "1800-01-01"),
        ("2999-12-31", "2999-12-31"),
    ],
)
def test_date_accepts_iso_and_french(raw, expected):
    assert clean("date", raw) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        pytest.param("2024-02-30", "Date impossible : le 30 février n'existe pas.", id="february_30"),
        pytest.param("2023-02-29", "Date impossible : le 29 février 2023 n'existe pas.", id="february_29_not_leap"),
        pytest.param("31/04/2026", "Date impossible : le 31 avril n'existe pas.", id="april_31_french"),
        pytest.param("2026-13-01", "Date impossible : il n'y a pas de mois 13.", id="month_13"),
        pytest.param("2026-05-00", "Date impossible : le 0 mai n'existe pas.", id="day_zero"),
        pytest.param("0000-00-00", "Année impossible : 0000 (de 1800 à 2999).", id="zero_date"),
        pytest.param("1799-12-31", "Année impossible : 1799 (de 1800 à 2999).", id="year_1799"),
        pytest.param("3000-01-01", "Année impossible : 3000 (de 1800 à 2999).", id="year_3000"),
    ],
)
def test_impossible_dates_are_refused_not_shifted(raw, message):
    assert refused("date", raw) == message


@pytest.mark.parametrize(
    "raw", ["2026-5-2", "2026/05/02", "02-05-2026", "2026-05-02T10:00", "demain", 20260502, ["2026-05-02"]]
)
def test_date_format_is_strict(raw):
    assert refused("date", raw) == "Date invalide : écrivez-la comme 02/05/2026 ou 2 mai 2026."


def test_date_bounds():
    assert refused("date", "2019-12-31", min="2020-01-01") == "La date doit être le 01/01/2020 ou après."
    assert refused("date", "2031-01-01", max="2030-12-31") == "La date doit être le 31/12/2030 ou avant."


# --- datetimes (B4-37, B5-45) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        pytest.param("2026-05-02T14:00", "2026-05-02T14:00:00+02:00", id="naive_summer_is_paris"),
        pytest.param("2026-01-15T09:30", "2026-01-15T09:30:00+01:00", id="naive_winter_is_paris"),
        pytest.param("2026-05-02 14:00", "2026-05-02T14:00:00+02:00", id="space_separator"),
        pytest.param("02/05/2026 14h00", "2026-05-02T14:00:00+02:00", id="french"),
        pytest.param("2026-05-02T14:00:30.123456", "2026-05-02T14:00:30+02:00", id="seconds_kept_fraction_dropped"),
        pytest.param("2026-05-02T12:00Z", "2026-05-02T12:00:00+00:00", id="utc_z"),
        pytest.param("2026-05-02T14:00+05:30", "2026-05-02T14:00:00+05:30", id="explicit_offset_kept"),
        pytest.param("2026-05-02T14:00-0300", "2026-05-02T14:00:00-03:00", id="offset_without_colon"),
        pytest.param("2026-05-02T14:00+14:00", "2026-05-02T14:00:00+14:00", id="offset_14_hours"),
        pytest.param("1900-01-01T00:00Z", "1900-01-01T00:00:00+00:00", id="year_1900"),
    ],
)
def test_datetime_is_normalised_with_its_offset(raw, expected):
    assert clean("datetime", raw) == expected


@pytest.mark.parametrize(
    "raw, start",
    [
        pytest.param("9999-12-31T25:61", "Année impossible", id="year_9999_hour_25_minute_61"),
        pytest.param("2026-05-02T25:00", "Heure impossible : 25 h", id="hour_25"),
        pytest.param("2026-05-02T14:61", "Heure impossible", id="minute_61"),
        pytest.param("2026-05-02T14:00:60", "Heure impossible", id="second_60"),
        pytest.param("2026-05-02T14:00+99:00", "Décalage horaire impossible : +99:00", id="offset_plus_99"),
        pytest.param("2026-05-02T14:00+14:30", "Décalage horaire impossible", id="offset_beyond_14"),
        pytest.param("2026-05-02T14:00+02:60", "Décalage horaire impossible", id="offset_minutes_60"),
        pytest.param("2026-02-30T10:00", "Date impossible : le 30 février", id="february_30"),
        pytest.param("1899-12-31T23:00", "Année impossible : 1899", id="year_1899"),
        pytest.param("3000-01-01T00:00", "Année impossible : 3000", id="year_3000"),
        pytest.param("2026-05-02", "Date et heure invalides", id="date_without_time"),
        pytest.param("2026-05-02T14:00 Europe/Paris", "Heure invalide", id="trailing_text"),
        pytest.param(1714651200, "Date et heure invalides", id="timestamp"),
    ],
)
def test_impossible_datetimes_are_refused(raw, start):
    assert refused("datetime", raw).startswith(start)


def test_datetime_in_dst_gap_is_refused():
    assert refused("datetime", "2026-03-29T02:30") == "Cette heure n'existe pas ce jour-là (passage à l'heure d'été)."


def test_datetime_in_dst_fold_is_the_first_occurrence():
    assert clean("datetime", "2026-10-25T02:30") == "2026-10-25T02:30:00+02:00"
    assert clean("datetime", "2026-10-25T03:30") == "2026-10-25T03:30:00+01:00"


def test_datetime_with_explicit_offset_in_dst_gap_is_fine():
    assert clean("datetime", "2026-03-29T02:30+01:00") == "2026-03-29T02:30:00+01:00"


def test_datetime_uses_the_context_time_zone():
    ctx = F.Context(default_timezone="America/Cayenne")
    assert clean("datetime", "2026-05-02T14:00", ctx) == "2026-05-02T14:00:00-03:00"


def test_datetime_bounds():
    message = refused("datetime", "2025-12-31T23:59", min="2026-01-01T00:00")
    assert message == "La date doit être le 01/01/2026 à 00:00 ou après."
    assert refused("datetime", "2026-01-01T00:00Z", max="2026-01-01T00:00").endswith("ou avant.")


# --- schedules (B5-45) ------------------------------------------------------------------------------


def test_timed_schedule_keeps_wall_times_and_zone():
    value = clean("schedule", {"start": "2026-05-02T14:00", "end": "2026-05-02T17:00"})
    assert value == {
        "start": "2026-05-02T14:00",
        "end": "2026-05-02T17:00",
        "all_day": False,
        "timezone": "Europe/Paris",
    }


def test_all_day_schedule_holds_dates_end_inclusive():
    value = clean("schedule", {"start": "02/05/2026", "end": "2026-05-04", "all_day": "on"})
    assert value == {"start": "2026-05-02", "end": "2026-05-04", "all_day": True, "timezone": "Europe/Paris"}
    assert clean("schedule", {"start": "2026-05-02", "end": "2026-05-02", "all_day": True})["end"] == "2026-05-02"


def test_schedule_without_end_and_other_zone():
    value = clean("schedule", {"start": "2026-05-02T09:00", "timezone": "America/Cayenne"})
    assert value == {"start": "2026-05-02T09:00", "end": None, "all_day": False, "timezone": "America/Cayenne"}


def test_schedule_with_offset_is_converted_to_its_zone():
    assert clean("schedule", {"start": "2026-05-02T12:00Z"})["start"] == "2026-05-02T14:00"


@pytest.mark.parametrize(
    "raw, message",
    [
        pytest.param(
            {"start": "2026-05-02T14:00", "end": "2026-05-02T13:00"},
            "La fin doit être après le début.",
            id="end_before_start",
        ),
        pytest.param(
            {"start": "2026-05-02T14:00", "end": "2026-05-02T14:00"},
            "La fin doit être après le début.",
            id="end_equals_start",
        ),
        pytest.param(
            {"start": "2026-05-04", "end": "2026-05-02", "all_day": True},
            "La fin doit être après le début.",
            id="all_day_end_before_start",
        ),
        pytest.param(
            {"start": "2026-03-29T02:30"},
            "Début : cette heure n'existe pas ce jour-là (passage à l'heure d'été).",
            id="start_in_dst_gap",
        ),
        pytest.param(
            {"start": "2026-03-29T01:00", "end": "2026-03-29T02:15"},
            "Fin : cette heure n'existe pas ce jour-là (passage à l'heure d'été).",
            id="end_in_dst_gap",
        ),
        pytest.param(
            {"start": "1899-12-31T10:00"}, "Début : année impossible : 1899 (de 1900 à 2999).", id="start_1899"
        ),
        pytest.param(
            {"start": "3000-01-01", "all_day": True},
            "Début : année impossible : 3000 (de 1900 à 2999).",
            id="start_3000",
        ),
        pytest.param(
            {"start": "2026-01-01T10:00", "end": "2027-01-03T10:00"}, "Durée trop longue", id="longer_than_366_days"
        ),
        pytest.param(
            {"start": "2026-05-02"},
            "Début : indiquez aussi l'heure, ou cochez « journée entière ».",
            id="timed_without_time",
        ),
        pytest.param({"start": "2026-05-02T14:00", "all_day": True}, "Début : date invalide", id="all_day_with_time"),
        pytest.param({"end": "2026-05-02T14:00"}, "Indiquez le début.", id="end_without_start"),
        pytest.param(
            {"start": "2026-05-02T14:00", "timezone": "Mars/Olympus"},
            "Fuseau horaire inconnu : « Mars/Olympus »",
            id="unknown_zone",
        ),
        pytest.param({"start": "2026-05-02T14:00", "all_day": "peut-être"}, "Valeur invalide", id="bad_all_day"),
        pytest.param(
            {"start": "2026-05-02T14:00", "owner_id": 1},
            "Horaire invalide : élément inconnu « owner_id ».",
            id="unknown_key",
        ),
        pytest.param(
            {"start": "2026-05-02T14:00", "rrule": "FREQ=DAILY\r\nATTENDEE:mailto:x@evil"},
            "Règle de récurrence invalide",
            id="rrule_with_crlf",
        ),
        pytest.param(
            {"start": "2026-05-02T14:00", "rrule": "x" * 1001}, "Règle de récurrence invalide", id="rrule_too_long"
        ),
        pytest.param(
            {"start": "2026-05-02T14:00", "exdates": {"a": 1}}, "Dates exclues invalides", id="exdates_not_a_list"
        ),
        pytest.param({"start": "2026-05-02T14:00", "exdates": [1]}, "Date exclue invalide", id="exdate_not_text"),
        pytest.param(["2026-05-02T14:00"], "Horaire invalide", id="list"),
        pytest.param("pas du json", "Horaire invalide", id="bad_json_text"),
    ],
)
def test_bad_schedules_are_refused(raw, message):
    assert refused("schedule", raw).startswith(message)


def test_schedule_dst_fold_takes_first_occurrence():
    value = clean("schedule", {"start": "2026-10-25T02:30", "end": "2026-10-25T03:00"})
    assert value["start"] == "2026-10-25T02:30" and value["end"] == "2026-10-25T03:00"


def test_schedule_recurrence_is_stored_verbatim():
    raw = {"start": "2026-05-02T14:00", "rrule": "FREQ=WEEKLY;COUNT=10", "exdates": ["20260509T140000"]}
    value = clean("schedule", raw)
    assert value["rrule"] == "FREQ=WEEKLY;COUNT=10" and value["exdates"] == ["20260509T140000"]


def test_schedule_from_json_text_and_empty_is_none():
    assert clean("schedule", json.dumps({"start": "2026-05-02T14:00"}))["start"] == "2026-05-02T14:00"
    assert clean("schedule", {"start": "", "end": "", "all_day": False}) is None
    assert clean("schedule", {}) is None


@pytest.mark.parametrize(
    "form, expected",
    [
        pytest.param(
            {"rdv_start": "2026-05-02T14:00", "rdv_end": "2026-05-02T17:00"},
            {"start": "2026-05-02T14:00", "end": "2026-05-02T17:00", "all_day": False},
            id="datetime_local_inputs",
        ),
        pytest.param(
            {"rdv_start_date": "2026-05-02", "rdv_start_time": "14:00", "rdv_end_time": "17:00"},
            {"start": "2026-05-02T14:00", "end": "2026-05-02T17:00", "all_day": False},
            id="date_and_time_inputs",
        ),
        pytest.param(
            {
                "rdv_start_date": "2026-05-02",
                "rdv_start_time": "14:00",
                "rdv_all_day": "on",
                "rdv_timezone": "Europe/Paris",
            },
            {"start": "2026-05-02", "all_day": True, "timezone": "Europe/Paris"},
            id="all_day_drops_times",
        ),
        pytest.param(
            {"rdv_start": "2026-05-02T14:00", "rdv_all_day": "on"},
            {"start": "2026-05-02", "all_day": True},
            id="all_day_drops_combined_time",
        ),
        pytest.param({"rdv_start_date": "", "rdv_all_day": "", "autre": "x"}, {}, id="nothing_entered"),
    ],
)
def test_parse_schedule_form(form, expected):
    assert F.parse_schedule_form("rdv", form) == expected


def test_parse_schedule_form_all_day_drops_a_french_time():
    assert F.parse_schedule_form("rdv", {"rdv_start": "02/05/2026 14:00", "rdv_all_day": "on"})["start"] == "02/05/2026"


# --- geometry --------------------------------------------------------------------------------------


SQUARE = [[[-2.1, 47.6], [-2.0, 47.6], [-2.0, 47.7], [-2.1, 47.7], [-2.1, 47.6]]]


@pytest.mark.parametrize(
    "raw, expected",
    [
        pytest.param(
            {"type": "Point", "coordinates": [-2.08, 47.65]},
            {"type": "Point", "coordinates": [-2.08, 47.65]},
            id="geojson_point",
        ),
        pytest.param({"lat": 47.65, "lon": -2.08}, {"type": "Point", "coordinates": [-2.08, 47.65]}, id="lat_lon_dict"),
        pytest.param({"lat": 47.65, "lng": -2.08}, {"type": "Point", "coordinates": [-2.08, 47.65]}, id="lat_lng_dict"),
        pytest.param("47.65, -2.08", {"type": "Point", "coordinates": [-2.08, 47.65]}, id="text_latitude_first"),
        pytest.param("47,65 ; -2,08", {"type": "Point", "coordinates": [-2.08, 47.65]}, id="text_decimal_commas"),
        pytest.param(
            '{"type": "Point", "coordinates": [-2.08, 47.65]}',
            {"type": "Point", "coordinates": [-2.08, 47.65]},
            id="json_text",
        ),
        pytest.param(
            {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [-2.08, 47.65]}},
            {"type": "Point", "coordinates": [-2.08, 47.65]},
            id="feature_unwrapped",
        ),
        pytest.param(
            {"type": "Point", "coordinates": [-2.08, 47.65, 12.5]},
            {"type": "Point", "coordinates": [-2.08, 47.65]},
            id="altitude_dropped",
        ),
        pytest.param(
            {"type": "Point", "coordinates": [-2.123456789, 47.0000000001]},
            {"type": "Point", "coordinates": [-2.1234568, 47.0]},
            id="rounded_to_7_decimals",
        ),
        pytest.param(
            {"type": "Point", "coordinates": [-0.0, 0]},
            {"type": "Point", "coordinates": [0.0, 0.0]},
            id="negative_zero",
        ),
        pytest.param(
            {"type": "LineString", "coordinates": [[-2.1, 47.6], [-2.0, 47.7]]},
            {"type": "LineString", "coordinates": [[-2.1, 47.6], [-2.0, 47.7]]},
            id="line",
        ),
        pytest.param(
            {"type": "Polygon", "coordinates": SQUARE}, {"type": "Polygon", "coordinates": SQUARE}, id="polygon"
        ),
        pytest.param(
            {"type": "MultiPolygon", "coordinates": [SQUARE]},
            {"type": "MultiPolygon", "coordinates": [SQUARE]},
            id="multipolygon",
        ),
        pytest.param(
            {"type": "MultiPoint", "coordinates": [[1, 2], [3, 4]]},
            {"type": "MultiPoint", "coordinates": [[1.0, 2.0], [3.0, 4.0]]},
            id="multipoint",
        ),
    ],
)
def test_geometry_is_normalised(raw, expected):
    assert clean("geometry", raw) == expected


def bowtie() -> dict:
    return {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}


@pytest.mark.parametrize(
    "raw, start",
    [
        pytest.param(
            {"type": "Point", "coordinates": [181, 47]}, "Longitude hors limites : 181", id="longitude_out_of_range"
        ),
        pytest.param(
            {"type": "Point", "coordinates": [-2, -91]}, "Latitude hors limites : -91", id="latitude_out_of_range"
        ),
        pytest.param("95.0, 2.0", "Latitude hors limites", id="text_latitude_out_of_range"),
        pytest.param(
            {"type": "Point", "coordinates": [math.nan, 47]},
            "Géométrie invalide : les coordonnées doivent être des nombres.",
            id="nan",
        ),
        pytest.param(
            {"type": "Point", "coordinates": [math.inf, 47]}, "Géométrie invalide : les coordonnées", id="infinity"
        ),
        pytest.param(
            {"type": "Point", "coordinates": ["-2.08", "47.65"]},
            "Géométrie invalide : les coordonnées",
            id="string_coordinates",
        ),
        pytest.param(
            {"type": "Point", "coordinates": [True, 47]}, "Géométrie invalide : les coordonnées", id="bool_coordinate"
        ),
        pytest.param(
            {"type": "Point", "coordinates": [10**400, 47]}, "Géométrie invalide : les coordonnées", id="huge_int"
        ),
        pytest.param(
            {"type": "Point", "coordinates": [1, 2, "z"]}, "Géométrie invalide : les coordonnées", id="bad_altitude"
        ),
        pytest.param({"type": "Point", "coordinates": []}, "Géométrie vide", id="empty_point"),
        pytest.param({"type": "LineString", "coordinates": []}, "Géométrie vide", id="empty_line"),
        pytest.param({"type": "Polygon", "coordinates": [[]]}, "Géométrie vide", id="empty_ring"),
        pytest.param({"type": "Point"}, "Géométrie invalide : coordonnées mal formées.", id="missing_coordinates"),
        pytest.param(
            {"type": "Point", "coordinates": [1, 2, 3, 4]}, "Géométrie invalide : chaque point", id="four_dimensions"
        ),
        pytest.param({"type": "Point", "coordinates": [[1, 2]]}, "Géométrie invalide", id="too_deep"),
        pytest.param({"type": "LineString", "coordinates": [[1, 2]]}, "Ligne invalide", id="one_point_line"),
        pytest.param(
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
            "Contour non fermé",
            id="unclosed_ring",
        ),
        pytest.param(
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]},
            "Polygone invalide : un contour a au moins 4 points",
            id="ring_too_short",
        ),
        pytest.param(
            bowtie(), "Géométrie invalide : polygone invalide (il se croise lui-même", id="self_intersecting_polygon"
        ),
        pytest.param(
            {"type": "MultiPolygon", "coordinates": [bowtie()["coordinates"]]},
            "Géométrie invalide : polygone invalide",
            id="self_intersecting_multipolygon",
        ),
        pytest.param(
            {"type": "Circle", "coordinates": [0, 0]}, "Type de géométrie inconnu : « Circle »", id="unknown_type"
        ),
        pytest.param(
            {"type": "GeometryCollection", "geometries": []}, "Type de géométrie inconnu", id="geometry_collection"
        ),
        pytest.param({"coordinates": [0, 0]}, "Type de géométrie inconnu", id="missing_type"),
        pytest.param("47.65", "Coordonnées invalides", id="single_number_text"),
        pytest.param("Redon", "Coordonnées invalides", id="place_name"),
        pytest.param("{not json", "Géométrie invalide : GeoJSON illisible.", id="unreadable_json"),
        pytest.param("{" + "[" * 100_000, "Géométrie invalide : GeoJSON illisible.", id="deeply_nested_json"),
        pytest.param(
            "{" + " " * 1_000_001 + "}", "Géométrie trop lourde : 1 Mo de texte au plus.", id="json_text_over_1_mb"
        ),
        pytest.param([0, 0], "Géométrie invalide : objet GeoJSON attendu.", id="bare_list"),
    ],
)
def test_bad_geometries_are_refused(raw, start):
    assert refused("geometry", raw).startswith(start)


def test_more_than_ten_thousand_vertices_are_refused():
    line = {"type": "LineString", "coordinates": [[i / 10_000, 1] for i in range(10_001)]}
    assert refused("geometry", line) == f"Géométrie trop détaillée : 10{NNBSP}000 sommets au plus."
    assert (
        len(clean("geometry", {"type": "LineString", "coordinates": line["coordinates"][:10_000]})["coordinates"])
        == 10_000
    )


def test_stored_geometry_over_200_kb_is_refused():
    precise = [[-2.1234567 + i * 1e-7, 47.1234567] for i in range(9_000)]
    assert (
        refused("geometry", {"type": "LineString", "coordinates": precise}) == "Géométrie trop lourde : 200 Ko au plus."
    )
    assert clean("geometry", {"type": "LineString", "coordinates": precise[:8_000]})


def test_vertex_cap_stops_a_huge_input_early():
    huge = {"type": "MultiPoint", "coordinates": [[0, 0]] * 1_000_000}
    assert refused("geometry", huge).startswith("Géométrie trop détaillée")


def test_geometry_kind_must_be_allowed_by_the_field():
    assert refused("geometry", {"type": "Polygon", "coordinates": SQUARE}, kinds=["Point"]) == (
        "Type de géométrie non autorisé ici : Polygon (autorisés : Point)."
    )


def test_empty_geometry_is_none():
    assert clean("geometry", "") is None and clean("geometry", {}) is None
    assert clean("geometry", {"type": "Feature", "geometry": None}) is None


# --- zones ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, options, expected",
    [
        pytest.param("35236", {}, "35236", id="commune"),
        pytest.param(" 2a004 ", {}, "2A004", id="corsica_lowercase"),
        pytest.param("2B033", {}, "2B033", id="haute_corse"),
        pytest.param("97411", {}, "97411", id="overseas_commune"),
        pytest.param("35", {"levels": ["commune", "departement"]}, "35", id="departement"),
        pytest.param("2A", {"levels": ["departement"]}, "2A", id="departement_corsica"),
        pytest.param("974", {"levels": ["departement"]}, "974", id="departement_overseas"),
        pytest.param("243500139", {"levels": ["epci"]}, "243500139", id="epci_siren"),
        pytest.param("53", {"levels": ["region"]}, "53", id="region"),
        pytest.param("3505", {"levels": ["canton"]}, "3505", id="canton"),
        pytest.param("2a01", {"levels": ["canton"]}, "2A01", id="canton_corsica"),
        pytest.param("97101", {"levels": ["canton"]}, "97101", id="canton_overseas"),
        pytest.param("pnr-bretagne", {"levels": ["autre"]}, "PNR-BRETAGNE", id="autre_free_code"),
        pytest.param(["35236", "56121", "35236"], {"multiple": True}, ["35236", "56121"], id="multiple_deduplicated"),
        pytest.param("35236", {"multiple": True}, ["35236"], id="multiple_single_value"),
    ],
)
def test_zone_codes_are_accepted(raw, options, expected):
    assert clean("zone", raw, **options) == expected


@pytest.mark.parametrize(
    "raw, options, start",
    [
        pytest.param(
            "35", {}, "Code invalide : « 35 » ; attendu : code INSEE de commune", id="departement_when_commune_only"
        ),
        pytest.param("3523", {}, "Code invalide", id="four_digits"),
        pytest.param("2C004", {}, "Code invalide", id="not_corsica"),
        pytest.param("20", {"levels": ["departement"]}, "Code invalide", id="departement_20"),
        pytest.param("977", {"levels": ["departement"]}, "Code invalide", id="departement_977"),
        pytest.param("54", {"levels": ["region"]}, "Code invalide", id="region_54"),
        pytest.param("350", {"levels": ["canton"]}, "Code invalide", id="canton_too_short"),
        pytest.param("2C01", {"levels": ["canton"]}, "Code invalide", id="canton_not_corsica"),
        pytest.param("a b", {"levels": ["autre"]}, "Code invalide", id="autre_with_a_space"),
        pytest.param("x" * 17, {"levels": ["autre"]}, "Code invalide", id="autre_too_long"),
        pytest.param(35236, {}, "Code de zone attendu", id="number"),
        pytest.param(["35236", "56121"], {}, "Une seule zone attendue.", id="list_when_single"),
        pytest.param("35236' OR 1=1", {}, "Code invalide", id="injection"),
    ],
)
def test_bad_zone_codes_are_refused(raw, options, start):
    assert refused("zone", raw, **options).startswith(start)


def test_unknown_commune_is_refused_when_zones_are_known():
    ctx = F.Context(zone_exists=lambda level, code: (level, code) == ("commune", "35236"))
    assert clean("zone", "35236", ctx) == "35236"
    assert refused("zone", "35999", ctx) == "Commune inconnue : 35999."
    assert (
        refused("zone", "99", ctx, levels=["departement"])
        == "Code invalide : « 99 » ; attendu : numéro de département (ex. 35, 2A, 974)."
    )
    assert refused("zone", "56", ctx, levels=["departement"]) == "Zone inconnue : 56."


def test_a_commune_field_only_knows_communes_whatever_shares_their_code():
    known = {("canton", "35013"), ("epci", "243500139")}
    ctx = F.Context(zone_exists=lambda level, code: (level, code) in known)
    assert refused("zone", "35013", ctx) == "Commune inconnue : 35013."
    assert clean("zone", "35013", ctx, levels=["canton"]) == "35013"
    several = field("zone", levels=["canton", "epci"])
    assert F.zone_level(several, "35013") == "canton" and F.zone_level(several, "243500139") == "epci"
    assert F.zone_level(field("zone"), "35013") == "commune" and F.zone_level(field("zone"), "3505") is None


# --- themes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        pytest.param("mobilite", ["mobilite"], id="key"),
        pytest.param("Mobilité", ["mobilite"], id="label"),
        pytest.param("  MOBILITE ", ["mobilite"], id="case_and_accents_ignored"),
        pytest.param("Transport", ["mobilite"], id="synonym"),
        pytest.param("Inclusion  numerique", ["inclusion-numerique"], id="spaces_collapsed"),
        pytest.param(["Mobilité", "transport", "tiers-lieu"], ["mobilite", "tiers-lieu"], id="list_deduplicated"),
    ],
)
def test_themes_are_resolved_to_keys(raw, expected):
    assert clean("theme", raw) == expected


def test_unknown_themes_are_refused_and_listed():
    assert refused("theme", ["mobilite", "Agriculture", "x"]) == "Thèmes inconnus : « Agriculture », « x »."
    assert refused("theme", "Agriculture") == "Thème inconnu : « Agriculture »."


def test_theme_max_items():
    assert refused("theme", ["mobilite", "tiers-lieu"], max_items=1) == "Trop de thèmes : 1 au plus."


# --- contacts (B4-38) --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        pytest.param("https://exemple.fr/page?a=1#b", "https://exemple.fr/page?a=1#b", id="https"),
        pytest.param("http://exemple.fr", "http://exemple.fr", id="http"),
        pytest.param("www.exemple.fr", "https://www.exemple.fr", id="bare_www_gets_https"),
        pytest.param("wiki-pays-redon.fr/accueil", "https://wiki-pays-redon.fr/accueil", id="bare_domain_gets_https"),
        pytest.param("exemple.fr:8080/x", "https://exemple.fr:8080/x", id="bare_domain_with_port"),
        pytest.param("HTTPS://EXEMPLE.FR/Page", "https://exemple.fr/Page", id="scheme_and_host_lowercased"),
        pytest.param("https://café.fr", "https://café.fr", id="idn"),
    ],
)
def test_url_is_normalised(raw, expected):
    assert clean("url", raw) == expected


@pytest.mark.parametrize(
    "raw, start",
    [
        pytest.param("javascript:alert(1)", "Seules les adresses web", id="javascript"),
        pytest.param("JaVaScRiPt:alert(1)", "Seules les adresses web", id="javascript_mixed_case"),
        pytest.param("  javascript:alert(1)", "Seules les adresses web", id="javascript_leading_spaces"),
        pytest.param("java\tscript:alert(1)", "Adresse invalide : ni espace", id="javascript_with_tab"),
        pytest.param("data:text/html,<script>alert(1)</script>", "Adresse invalide : ni espace", id="data_with_html"),
        pytest.param("data:text/html;base64,PHNjcmlwdD4=", "Seules les adresses web", id="data"),
        pytest.param("file:///etc/passwd", "Seules les adresses web", id="file"),
        pytest.param("ftp://exemple.fr", "Seules les adresses web", id="ftp"),
        pytest.param("https://exemple.fr/\r\nSet-Cookie: a=b", "Adresse invalide : ni espace", id="crlf"),
        pytest.param('https://exemple.fr/"><script>', "Adresse invalide : ni espace", id="html"),
        pytest.param("https://user:pass@exemple.fr", "Adresse refusée", id="credentials"),
        pytest.param("https://exemple.fr@evil.com", "Adresse refusée", id="at_sign_host_confusion"),
        pytest.param("https:\\\\evil.com", "Adresse invalide : ni espace", id="backslashes"),
        pytest.param("http:/exemple.fr", "Adresse invalide : nom de domaine", id="single_slash"),
        pytest.param("https://", "Adresse invalide : nom de domaine", id="no_host"),
        pytest.param("https://exemple.fr:99999", "Adresse invalide : numéro de port", id="bad_port"),
        pytest.param("exemple", "Seules les adresses web", id="single_word"),
        pytest.param("https://exemple.fr/" + "a" * 2000, "Adresse trop longue", id="too_long"),
        pytest.param(["https://exemple.fr"], "Seules les adresses web", id="list"),
    ],
)
def test_bad_urls_are_refused(raw, start):
    assert refused("url", raw).startswith(start)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Jean.Dupont@Exemple.FR", "Jean.Dupont@exemple.fr"),
        ("  contact@wiki-pays-redon.fr ", "contact@wiki-pays-redon.fr"),
        ("mailto:a@b.fr", "a@b.fr"),
        ("élu@mairie-arvieu.fr", "élu@mairie-arvieu.fr"),
    ],
)
def test_email_is_normalised(raw, expected):
    assert clean("email", raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("a@b.fr\r\nBcc: victime@exemple.fr", id="crlf_header_injection"),
        pytest.param("<script>@b.fr", id="html"),
        pytest.param('"a"@b.fr', id="quotes"),
        pytest.param("a b@c.fr", id="space"),
        pytest.param("a@b@c.fr", id="two_at"),
        pytest.param("ab.fr", id="no_at"),
        pytest.param("a@localhost", id="domain_without_dot"),
        pytest.param("a@b.f", id="one_letter_tld"),
        pytest.param("a@-b.fr", id="domain_label_starts_with_dash"),
        pytest.param(".a@b.fr", id="leading_dot"),
        pytest.param("a..b@c.fr", id="double_dot"),
        pytest.param("@b.fr", id="empty_local"),
        pytest.param("a" * 65 + "@b.fr", id="local_too_long"),
        pytest.param("a@" + "b" * 250 + ".fr", id="too_long"),
        pytest.param(["a@b.fr"], id="list"),
    ],
)
def test_bad_emails_are_refused(raw):
    assert refused("email", raw).startswith("Adresse e-mail invalide")


@pytest.mark.parametrize(
    "raw, expected",
    [
        pytest.param("02 99 71 06 04", "+33299710604", id="spaces"),
        pytest.param("02.99.71.06.04", "+33299710604", id="dots"),
        pytest.param("02-99-71-06-04", "+33299710604", id="dashes"),
        pytest.param("0299710604", "+33299710604", id="digits"),
        pytest.param("06 12 34 56 78", "+33612345678", id="mobile"),
        pytest.param("+33 2 99 71 06 04", "+33299710604", id="plus_33"),
        pytest.param("+33 (0)2 99 71 06 04", "+33299710604", id="plus_33_trunk_in_brackets"),
        pytest.param("+33 02 99 71 06 04", "+33299710604", id="plus_33_with_trunk_zero"),
        pytest.param("0033 2 99 71 06 04", "+33299710604", id="double_zero_prefix"),
        pytest.param(f"02{NBSP}99{NBSP}71{NBSP}06{NBSP}04", "+33299710604", id="nbsp"),
        pytest.param("0262 12 34 56", "+262262123456", id="reunion"),
        pytest.param("0696 12 34 56", "+596696123456", id="martinique_mobile"),
        pytest.param("+49 30 1234567", "+49301234567", id="germany"),
        pytest.param("+1 (555) 123-4567", "+15551234567", id="north_america"),
    ],
)
def test_phone_is_normalised_to_e164(raw, expected):
    assert clean("phone", raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("02 99 71 06 0A", id="letter"),
        pytest.param("02 99\r\n71 06 04", id="crlf"),
        pytest.param("<b>02 99 71 06 04</b>", id="html"),
        pytest.param("0299", id="too_short"),
        pytest.param("02 99 71 06 04 05", id="too_long_national"),
        pytest.param("00 12 34", id="international_prefix_too_short"),
        pytest.param("+33 2 99 71 06 0", id="french_too_short"),
        pytest.param("+0 1234 5678", id="country_code_zero"),
        pytest.param("+1234567", id="international_too_short"),
        pytest.param("02+99710604", id="plus_inside"),
        pytest.param(299710604, id="number"),
    ],
)
def test_bad_phones_are_refused(raw):
    assert refused("phone", raw).startswith("Numéro")


# --- files and links ----------------------------------------------------------------------------------


def test_attachment_reference_is_checked_for_shape_only():
    assert clean("file", {"attachment_id": 12, "name": " compte-rendu.pdf "}) == {
        "attachment_id": 12,
        "name": "compte-rendu.pdf",
    }
    value = clean(
        "image", {"attachment_id": 3, "name": "photo.jpg", "size": 1000, "alt": "La  médiathèque"}, max_bytes=5_000_000
    )
    assert value == {"attachment_id": 3, "name": "photo.jpg", "size": 1000, "alt": "La médiathèque"}


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param({"attachment_id": True, "name": "a"}, id="bool_id"),
        pytest.param({"attachment_id": 0, "name": "a"}, id="zero_id"),
        pytest.param({"attachment_id": "12", "name": "a"}, id="string_id"),
        pytest.param({"attachment_id": 12}, id="missing_name"),
        pytest.param({"attachment_id": 12, "name": "a" * 161}, id="name_too_long"),
        pytest.param({"attachment_id": 12, "name": "a\nb"}, id="name_with_newline"),
        pytest.param({"attachment_id": 12, "name": "a", "path": "/etc/passwd"}, id="extra_key"),
        pytest.param({"attachment_id": 12, "name": "a", "size": -1}, id="negative_size"),
        pytest.param({"attachment_id": 12, "name": "a", "size": 6_000_000}, id="too_heavy"),
        pytest.param("/etc/passwd", id="path_string"),
        pytest.param(12, id="bare_id"),
    ],
)
def test_bad_attachment_references_are_refused(raw):
    message = refused("file", raw, max_bytes=5_000_000)
    assert message.startswith(
        ("Pièce jointe invalide", "Nom de fichier invalide", "Taille de fichier invalide", "Fichier trop lourd")
    )


def test_attachment_size_cap_message():
    assert (
        refused("image", {"attachment_id": 1, "name": "a", "size": 6_000_000}, max_bytes=5_000_000)
        == "Fichier trop lourd : 5 Mo au plus."
    )


@pytest.mark.parametrize("raw", [12, "12", " 12 ", {"record_id": 12}], ids=["int", "digits", "spaced_digits", "dict"])
def test_record_link_accepts_ids(raw):
    assert clean("link", raw, target="record") == {"record_id": 12}


@pytest.mark.parametrize("raw", [True, 0, -1, "abc", "1e3", {"record_id": 1, "form_id": 2}, 2**63, ["12"]])
def test_record_link_refuses_non_ids(raw):
    assert refused("link", raw, target="record") == "Fiche liée invalide : choisissez-la dans la liste."


def test_page_link_takes_a_slug():
    assert clean("link", " Médiathèque-de-Redon ", target="page") == "médiathèque-de-redon"
    for raw in ("a b", "../admin", "<script>", "x" * 121, 12):
        assert refused("link", raw, target="page").startswith("Page invalide")


# --- records: mass assignment, required, re-validation (B4-35, B4-41) --------------------------------


FORM = F.validate_schema([
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Titre", "required": True},
    {"id": "f_00000002", "key": "population", "type": "number", "label": "Population", "options": {"integer": True}},
    {"id": "f_00000003", "key": "statut_projet", "type": "choice", "label": "Statut", "options": {"choices": CHOICES}},
    {"id": "f_00000004", "key": "themes", "type": "theme", "label": "Thèmes", "required": True},
    {"id": "f_00000005", "key": "consent", "type": "boolean", "label": "J'accepte", "required": True},
    {"id": "f_00000006", "key": "contact_email", "type": "email", "label": "Courriel", "personal": True, "visibility": "private"},
    {"id": "f_00000007", "key": "rdv", "type": "schedule", "label": "Rendez-vous"},
    {"id": "f_00000008", "key": "notes", "type": "longtext", "label": "Notes", "visibility": "members"},
    {"id": "f_00000009", "key": "lieu", "type": "geometry", "label": "Lieu"},
])  # fmt: skip
GOOD = {
    "title": "Le wiki du Pays de Redon",
    "population": "8 745",
    "statut_projet": "en-cours",
    "themes": ["Mobilité"],
    "consent": "on",
}


def test_clean_record_returns_values_by_field_id():
    data, errors = F.clean_record(FORM, GOOD, CTX)
    assert errors == {}
    assert data == {
        "f_00000001": "Le wiki du Pays de Redon", "f_00000002": 8745, "f_00000003": "en-cours", "f_00000004": ["mobilite"],
        "f_00000005": True, "f_00000006": None, "f_00000007": None, "f_00000008": None, "f_00000009": None,
    }  # fmt: skip


def test_mass_assignment_fields_are_ignored():
    hostile = GOOD | {
        "owner_id": 1,
        "status": "published",
        "is_private": "false",
        "form_id": 99,
        "f_00000001": "x",
        "__proto__": {},
    }
    data, errors = F.clean_record(FORM, hostile, CTX)
    assert errors == {}
    assert set(data) == {f.id for f in FORM}
    assert data["f_00000001"] == "Le wiki du Pays de Redon"
    assert not {"owner_id", "status", "is_private", "form_id", "__proto__"} & set(data)


def test_fields_the_caller_leaves_out_are_neither_read_nor_returned():
    editable = [f for f in FORM if f.visibility == "public"]
    data, _ = F.clean_record(editable, GOOD | {"contact_email": "x@y.fr"}, CTX)
    assert "f_00000006" not in data


def test_required_fields_missing_are_errors_and_all_are_reported():
    data, errors = F.clean_record(FORM, {"population": "beaucoup", "statut_projet": "termine"}, CTX)
    assert errors == {
        "title": "Ce champ est obligatoire.",
        "population": "Nombre invalide : utilisez des chiffres, avec une virgule pour les décimales (ex. 12,5).",
        "statut_projet": "Choix non autorisé : « termine ».",
        "themes": "Ce champ est obligatoire.",
        "consent": "Cette case doit être cochée.",
    }
    assert "f_00000001" not in data


@pytest.mark.parametrize(
    "blank", ["", "   ", None, [], "\x00"], ids=["empty", "spaces", "none", "empty_list", "only_nul"]
)
def test_blank_required_values_are_missing(blank):
    _, errors = F.clean_record(FORM, GOOD | {"title": blank}, CTX)
    assert errors == {"title": "Ce champ est obligatoire."}


def test_partial_waives_required_but_still_validates():
    data, errors = F.clean_record(FORM, {"population": "12,5"}, CTX, partial=True)
    assert errors == {"population": "Nombre entier attendu, sans décimales."}
    data, errors = F.clean_record(FORM, {}, CTX, partial=True)
    assert errors == {} and data["f_00000005"] is False and set(data) == {f.id for f in FORM}


def test_skipped_step_is_revalidated_server_side():
    # A multi-step form whose client "skipped" the step holding required fields:
    # the server checks the whole record anyway (B4-41).
    _, errors = F.clean_record(FORM, {"title": "Titre", "step": "3", "validated_steps": "1,2,3"}, CTX)
    assert set(errors) == {"themes", "consent"}


def test_hostile_value_for_hidden_field_is_revalidated():
    _, errors = F.clean_record(FORM, GOOD | {"contact_email": "a@b.fr\r\nBcc: x@y.fr"}, CTX)
    assert set(errors) == {"contact_email"}


def test_schedule_is_read_from_flat_html_inputs():
    form = GOOD | {"rdv_start_date": "2026-05-02", "rdv_start_time": "14:00", "rdv_end_time": "17:00"}
    data, errors = F.clean_record(FORM, form, CTX)
    assert errors == {} and data["f_00000007"]["end"] == "2026-05-02T17:00"


def test_multi_selects_are_read_with_getlist():
    class MultiDict(dict):
        def __init__(self, pairs):
            super().__init__()
            self.pairs = pairs
            for key, value in pairs:
                self.setdefault(key, value)

        def getlist(self, key):
            return [v for k, v in self.pairs if k == key]

    posted = MultiDict([("title", "T"), ("themes", "Mobilité"), ("themes", "tiers-lieu"), ("consent", "on")])
    data, errors = F.clean_record(FORM, posted, CTX)
    assert errors == {} and data["f_00000004"] == ["mobilite", "tiers-lieu"]


@pytest.mark.parametrize("data", [["title"], "title=x", None, 12], ids=["list", "string", "none", "number"])
def test_data_that_is_not_a_mapping_is_one_error(data):
    assert F.clean_record(FORM, data, CTX) == (
        {},
        {"_": "Données invalides : un objet associant des clés à des valeurs est attendu."},
    )


IDEMPOTENT = [
    ("text", " a  b ", {}), ("longtext", "a\r\nb", {}), ("number", "1 234,5", {"unit": "€"}), ("number", "-0", {}),
    ("boolean", "on", {}), ("choice", "idee", {"choices": CHOICES}), ("multichoice", ["realise", "idee"], {"choices": CHOICES}),
    ("date", "02/05/2026", {}), ("datetime", "2026-10-25T02:30", {}), ("datetime", "2026-05-02T14:00Z", {}),
    ("schedule", {"start": "2026-05-02T12:00Z", "end": "2026-05-02T17:00", "rrule": "FREQ=DAILY;COUNT=2"}, {}),
    ("schedule", {"start": "2026-05-02", "all_day": True}, {}), ("geometry", "47.65, -2.08", {}),
    ("geometry", {"type": "Polygon", "coordinates": SQUARE}, {}), ("zone", "2a004", {}), ("zone", ["35236"], {"multiple": True}),
    ("theme", ["Transport"], {}), ("url", "www.exemple.fr", {}), ("email", "A@B.FR", {}), ("phone", "02 99 71 06 04", {}),
    ("file", {"attachment_id": 1, "name": "a.pdf"}, {}), ("link", "12", {"target": "record"}), ("link", "Accueil", {"target": "page"}),
]  # fmt: skip


@pytest.mark.parametrize("kind, raw, options", IDEMPOTENT, ids=[f"{k}_{i}" for i, (k, _, _) in enumerate(IDEMPOTENT)])
def test_cleaning_a_clean_value_gives_it_back(kind, raw, options):
    once = clean(kind, raw, **options)
    assert clean(kind, once, **options) == once
    assert json.loads(json.dumps(once)) == once


def test_unknown_field_type_value_is_an_error_not_a_crash():
    assert refused("password", "x").startswith("Type de champ inconnu")


# --- display_value ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, value, options, expected",
    [
        pytest.param("number", 12.5, {"unit": "€"}, f"12,5{NBSP}€", id="number_with_unit"),
        pytest.param("number", 1234567.25, {}, f"1{NNBSP}234{NNBSP}567,25", id="number_thousands"),
        pytest.param("number", 8745, {"unit": "habitants"}, f"8{NNBSP}745{NBSP}habitants", id="integer_with_unit"),
        pytest.param("number", 0.1, {}, "0,1", id="small_decimal"),
        pytest.param("boolean", True, {}, "oui", id="true"),
        pytest.param("boolean", False, {}, "non", id="false"),
        pytest.param("date", "2026-05-02", {}, "02/05/2026", id="date"),
        pytest.param("datetime", "2026-05-02T14:00:00+02:00", {}, "02/05/2026 14:00", id="datetime"),
        pytest.param("choice", "en-cours", {"choices": CHOICES}, "En cours", id="choice_label"),
        pytest.param("choice", "association", {"list": "porteurs"}, "association", id="shared_list_value"),
        pytest.param(
            "multichoice", ["idee", "realise"], {"choices": CHOICES}, "Idée, Réalisé", id="multichoice_labels"
        ),
        pytest.param(
            "schedule",
            {"start": "2026-05-02T14:00", "end": "2026-05-02T17:00", "all_day": False, "timezone": "Europe/Paris"},
            {},
            "samedi 2 mai 2026, 14:00–17:00",
            id="schedule_same_day",
        ),
        pytest.param(
            "schedule",
            {"start": "2026-05-01T20:00", "end": "2026-05-02T02:00", "all_day": False, "timezone": "Europe/Paris"},
            {},
            "vendredi 1er mai 2026, 20:00 – samedi 2 mai 2026, 02:00",
            id="schedule_overnight",
        ),
        pytest.param(
            "schedule",
            {"start": "2026-05-02T14:00", "end": None, "all_day": False, "timezone": "Europe/Paris"},
            {},
            "samedi 2 mai 2026, 14:00",
            id="schedule_no_end",
        ),
        pytest.param(
            "schedule",
            {"start": "2026-08-15", "end": None, "all_day": True, "timezone": "Europe/Paris"},
            {},
            "samedi 15 août 2026",
            id="schedule_all_day",
        ),
        pytest.param(
            "schedule",
            {"start": "2026-12-31", "end": "2027-01-01", "all_day": True, "timezone": "Europe/Paris"},
            {},
            "du jeudi 31 décembre 2026 au vendredi 1er janvier 2027",
            id="schedule_days",
        ),
        pytest.param(
            "schedule",
            {
                "start": "2026-05-02T09:00",
                "end": None,
                "all_day": False,
                "timezone": "America/Cayenne",
                "rrule": "FREQ=WEEKLY",
            },
            {},
            "samedi 2 mai 2026, 09:00 (America/Cayenne) (récurrent)",
            id="schedule_zone_recurring",
        ),
        pytest.param(
            "geometry",
            {"type": "Point", "coordinates": [-2.08, 47.65]},
            {},
            "Point (47.65, -2.08)",
            id="point_latitude_first",
        ),
        pytest.param(
            "geometry",
            {"type": "Point", "coordinates": [-2.0812346, 47.6512346]},
            {},
            "Point (47.651235, -2.081235)",
            id="point_six_decimals",
        ),
        pytest.param(
            "geometry", {"type": "Polygon", "coordinates": SQUARE}, {}, "Polygone (4 sommets)", id="polygon_vertices"
        ),
        pytest.param(
            "geometry",
            {"type": "LineString", "coordinates": [[0, 0], [1, 1], [2, 2]]},
            {},
            "Ligne (3 sommets)",
            id="line_vertices",
        ),
        pytest.param(
            "geometry", {"type": "MultiPoint", "coordinates": [[0, 0]]}, {}, "Multipoint (1 point)", id="multipoint"
        ),
        pytest.param("phone", "+33299710604", {}, "02 99 71 06 04", id="french_phone"),
        pytest.param("phone", "+262262123456", {}, "02 62 12 34 56", id="reunion_phone"),
        pytest.param("phone", "+49301234567", {}, "+49301234567", id="foreign_phone"),
        pytest.param("zone", ["35236", "56121"], {"multiple": True}, "35236, 56121", id="zones"),
        pytest.param("theme", ["mobilite", "tiers-lieu"], {}, "mobilite, tiers-lieu", id="themes"),
        pytest.param("file", {"attachment_id": 1, "name": "cr.pdf"}, {}, "cr.pdf", id="file"),
        pytest.param("link", {"record_id": 12}, {"target": "record"}, "fiche n° 12", id="record_link"),
        pytest.param("link", "accueil", {"target": "page"}, "accueil", id="page_link"),
        pytest.param("url", "https://exemple.fr", {}, "https://exemple.fr", id="url"),
        pytest.param("text", None, {}, "", id="none"),
        pytest.param("multichoice", [], {}, "", id="empty_list"),
    ],
)
def test_display_value_in_french(kind, value, options, expected):
    assert display.display_value(field(kind, **options), value) == expected


@pytest.mark.parametrize(
    "kind, value, expected",
    [
        pytest.param("number", "abc", "abc", id="number_holding_text"),
        pytest.param("date", "2026-05-02T14:00:00+02:00", "2026-05-02T14:00:00+02:00", id="date_holding_datetime"),
        pytest.param("multichoice", "idee", "Idée", id="multichoice_holding_a_choice"),
        pytest.param("schedule", "samedi", "samedi", id="schedule_holding_text"),
        pytest.param("geometry", {"type": "Circle"}, "Circle", id="geometry_unknown"),
        pytest.param("boolean", "oui", "oui", id="boolean_holding_text"),
        pytest.param("file", ["a"], "a", id="file_holding_list"),
        pytest.param("phone", 12, "12", id="phone_holding_number"),
        pytest.param("text", {"a": 1, "b": None}, "1", id="text_holding_dict"),
        pytest.param("password", "x", "x", id="unknown_type"),
    ],
)
def test_display_value_never_raises_on_values_from_an_older_form(kind, value, expected):
    assert display.display_value(field(kind, choices=CHOICES), value) == expected


# --- search_text -----------------------------------------------------------------------------------


RECORD_DATA = {
    "f_00000001": "Le wiki du Pays de Redon", "f_00000002": 8745, "f_00000003": "en-cours", "f_00000004": ["mobilite"],
    "f_00000005": True, "f_00000006": "jean@exemple.fr", "f_00000008": "Notes internes",
    "f_00000009": {"type": "Point", "coordinates": [-2.08, 47.65]},
}  # fmt: skip


def test_search_text_holds_public_fields_only_by_default():
    text = display.search_text(FORM, RECORD_DATA)
    assert text == f"Le wiki du Pays de Redon\n8{NNBSP}745\nEn cours\nmobilite"


def test_search_text_for_members_adds_member_fields_but_never_personal_ones():
    members = display.search_text(FORM, RECORD_DATA, visibility="members")
    assert "Notes internes" in members and "jean@exemple.fr" not in members
    assert "jean@exemple.fr" not in display.search_text(FORM, RECORD_DATA, visibility="private")


def test_search_text_holds_a_personal_value_only_while_its_box_is_ticked():
    form = F.validate_schema(
        [BOX, spec(key="courriel", type="email", personal=True, consent_field="accord", id="f_000000b1")]
    )
    ticked = {"f_000000b0": True, "f_000000b1": "jo@exemple.fr"}
    assert display.search_text(form, ticked) == "jo@exemple.fr"
    for reader in ("public", "members", "private"):
        assert display.search_text(form, ticked | {"f_000000b0": False}, visibility=reader) == ""


def test_search_text_leaves_out_private_fields_even_when_not_personal():
    private = field("text", "interne", ident="f_000000aa")
    private = F.FieldDef(**(private.to_dict() | {"visibility": "private"}))
    assert display.search_text([private], {"f_000000aa": "secret"}) == ""
    assert display.search_text([private], {"f_000000aa": "secret"}, visibility="private") == "secret"


def test_search_text_refuses_unknown_visibility():
    with pytest.raises(ValueError):
        display.search_text(FORM, RECORD_DATA, visibility="admin")


def test_an_object_given_to_a_number_or_a_text_is_refused_not_stored_empty():
    data, errors = F.clean_record(FORM, GOOD | {"population": {}, "title": {}}, CTX)
    assert set(errors) == {"population", "title"}
    assert "f_00000002" not in data and "f_00000001" not in data


def test_two_values_posted_for_a_one_choice_field_are_refused_never_the_first_kept():
    from werkzeug.datastructures import MultiDict

    posted = MultiDict([*GOOD.items(), ("statut_projet", "idee")])
    posted.setlist("themes", ["Mobilité"])
    _, errors = F.clean_record(FORM, posted, CTX)
    assert errors == {"statut_projet": "Un seul choix attendu."}
    posted.setlist("statut_projet", ["en-cours"])
    assert F.clean_record(FORM, posted, CTX)[1] == {}
