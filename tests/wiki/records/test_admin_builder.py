"""The field builder's rows (pure, no app)."""

from __future__ import annotations

from wiki.records import admin_builder


def test_move_row_ignores_an_unknown_button():
    assert admin_builder.move_row([], "nope") == ([], None)
