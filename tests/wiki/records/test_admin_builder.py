"""The field builder's rows (pure, no app)."""

from __future__ import annotations

from wiki.records import admin_builder
from wiki.records import fields as F


def test_move_row_ignores_an_unknown_button():
    assert admin_builder.move_row([], "nope") == ([], None)


def test_closed_rows_are_read_back_from_the_stored_fields():
    stored = {r["id"]: r for r in admin_builder.rows_from_fields(F.validate_schema([
        {"key": "title", "type": "text", "label": "Nom", "required": True},
        {"key": "prix", "type": "number", "label": "Prix", "options": {"unit": "€"}},
    ]))}  # fmt: skip
    title_id, prix_id = list(stored)
    posted = {
        "fields-0-kept": title_id, "fields-0-position": "2",
        "fields-1-kept": prix_id, "fields-1-position": "1",
        "fields-2-kept": "f_00000000", "fields-2-position": "3",  # a field removed meanwhile: dropped
        "fields-3-id": "", "fields-3-label": "Site web", "fields-3-type": "url", "fields-3-open": "1",
    }  # fmt: skip
    rows = admin_builder.parse_rows(posted, stored)
    assert [(r["key"], r["position"], r.get("kept", False)) for r in rows] == [
        ("prix", "1", True), ("title", "2", True), ("site_web", "", False)
    ]  # fmt: skip
    assert rows[0]["unit"] == "€" and rows[1]["required"] and rows[2]["open"]
    assert not admin_builder.row_changed(rows[0], stored)
    assert admin_builder.row_changed(dict(rows[0], label="Tarif"), stored)
    assert admin_builder.row_changed(rows[2], stored)  # not stored yet
