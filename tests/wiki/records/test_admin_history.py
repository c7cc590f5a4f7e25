"""What the form history page says changed between two snapshots (pure, no app)."""

from __future__ import annotations

from wiki.records import admin_history


def test_snapshot_changes_names_what_changed():
    old = {
        "title": "A",
        "fields": [
            {"id": "f_1", "key": "nom", "type": "text", "label": "Nom"},
            {"id": "f_2", "key": "prix", "type": "number", "label": "Prix"},
        ],
    }
    new = {
        "title": "B",
        "fields": [
            {"id": "f_3", "key": "site", "type": "url", "label": "Site"},
            {"id": "f_1", "key": "titre", "type": "longtext", "label": "Titre", "required": True},
        ],
    }
    kinds = [(c.kind, c.key) for c in admin_history.snapshot_changes(old, new)]
    assert kinds == [
        ("title", ""),
        ("added", "site"),
        ("renamed", "titre"),
        ("retyped", "titre"),
        ("relabelled", "titre"),
        ("settings", "titre"),
        ("removed", "prix"),
    ]
    assert [c.kind for c in admin_history.snapshot_changes(None, old)] == ["added", "added"]
    assert admin_history.snapshot_changes(old, {"title": "A", "fields": old["fields"][::-1]})[-1].kind == "reordered"
