"""Reading the moderators' posted inputs: keys from titles, choices one per line (pure, no app)."""

from __future__ import annotations

from wiki.records import admin_inputs


def test_slug_keys_and_choice_lines():
    assert admin_inputs.slug_key("Lieux de médiation numérique") == "lieux_de_mediation_numerique"
    assert admin_inputs.slug_key("2 roues") == "f_2_roues" and admin_inputs.slug_key("«»") == ""
    assert admin_inputs.parse_items("a | A\n\n  Éco-lieu  \nb|") == [
        {"value": "a", "label": "A"},
        {"value": "eco-lieu", "label": "Éco-lieu"},
        {"value": "b", "label": "b"},
    ]
