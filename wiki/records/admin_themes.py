"""The theme taxonomy screen of ``forms_admin``: one table to edit and add themes.

Route ``/-/thematiques`` added to the blueprint of ``wiki.records.admin``
(which checks the moderator role), with the helpers that read the table's
``themes-N-…`` rows, order new parents before their children and name the
problems the service would not name clearly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki.db import get_session
from wiki.errors import ValidationError
from wiki.records import admin_inputs
from wiki.records import fields as F
from wiki.records import taxonomy
from wiki.records.admin import bp
from wiki.records.admin_inputs import BLANK_ROWS
from wiki.records.admin_inputs import clean_text
from wiki.records.admin_inputs import row_indexes
from wiki.records.admin_inputs import slug_key

THEME_TEXTS = ("key", "label", "parent", "synonyms", "position")


def parse_theme_rows(data: Mapping[str, Any], stored: int = 0) -> list[dict[str, Any]]:
    """Read the rows of the theme table; a new row with a label and no key gets one from its label.

    The table shows every ``stored`` theme: all their rows are read, and up to
    ``MAX_ROWS`` more (a large taxonomy must not lose its last rows).
    """
    rows = []
    for n in row_indexes(data, "themes", stored + admin_inputs.MAX_ROWS):
        row: dict[str, Any] = {name: clean_text(str(data.get(f"themes-{n}-{name}", ""))) for name in THEME_TEXTS}
        row.update(n=n, existing=f"themes-{n}-existing" in data, errors=[], targets=set())
        if not row["existing"] and not row["key"] and row["label"]:
            row["key"] = slug_key(row["label"])
        row["blank"] = not (row["existing"] or row["key"] or row["label"])
        rows.append(row)
    return rows


def theme_rows(themes: list[Any]) -> list[dict[str, Any]]:
    """Return the theme table's rows for the stored taxonomy, then blank rows to add themes."""
    by_id = {t.id: t.key for t in themes}
    rows = [{"key": t.key, "label": t.label, "parent": by_id.get(t.parent_id, ""), "synonyms": ", ".join(t.synonyms or []),
             "position": str(t.position), "existing": True, "blank": False, "errors": [], "targets": set()} for t in themes]  # fmt: skip
    return _theme_blanks(rows)


def _theme_blanks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept = [r for r in rows if not r["blank"]]
    kept += [{"key": "", "label": "", "parent": "", "synonyms": "", "position": "", "existing": False, "blank": True, "errors": [], "targets": set()}
             for _ in range(BLANK_ROWS)]  # fmt: skip
    for n, row in enumerate(kept):
        row["n"] = n
    return kept


def theme_cycles(parents: Mapping[str, str | None]) -> set[str]:
    """Return the theme keys that would end up their own ancestor."""
    looping = set()
    for start in parents:
        seen, key = set(), parents.get(start)
        while key and key not in seen:
            if key == start:
                looping.add(start)
                break
            seen.add(key)
            key = parents.get(key)
    return looping


def _save_order(rows: list[dict[str, Any]], stored: set[str]) -> list[dict[str, Any]]:
    """Order rows so that a new parent is created before the themes under it."""
    done, pending, ordered = set(stored), list(rows), []
    while pending:
        ready = [
            r
            for r in pending
            if not r["parent"] or r["parent"] in done or r["parent"] not in {p["key"] for p in pending}
        ]
        ready = ready or pending  # a loop among new themes: the service refuses the unknown parent
        for row in ready:
            ordered.append(row)
            done.add(row["key"])
        pending = [r for r in pending if r not in ready]
    return ordered


def _theme_problems(row: Mapping[str, Any], looping: set[str]) -> dict[str, str]:
    """Problems of one theme row the service would not name clearly, by input."""
    problems = {}
    if not row["existing"] and not F.KEY_RE.fullmatch(row["key"]):
        problems["key"] = _(
            "Identifiant invalide : minuscules sans accent, chiffres et « _ », en commençant par une lettre."
        )
    position = row["position"]
    if position and not (position.isdigit() and len(position) < 7):
        problems["position"] = _("Position : nombre entier positif attendu.")
    if row["key"] in looping:
        problems["parent"] = _("Une thématique ne peut pas se trouver sous elle-même.")
    return problems


@bp.route("/-/thematiques", methods=["GET", "POST"])
def themes() -> Any:
    """Edit the theme taxonomy in one table (labels, parents, synonyms, order) and add themes."""
    db = get_session()
    stored = taxonomy.list_themes(db)
    if request.method == "GET":
        return render_template("forms_admin/themes.html", rows=theme_rows(stored), themes=stored, message="")
    rows = [r for r in parse_theme_rows(request.form, len(stored)) if not r["blank"]]
    descriptions = {t.key: t.description for t in stored}
    parents = {t.key: next((p.key for p in stored if p.id == t.parent_id), None) for t in stored}
    parents.update({r["key"]: r["parent"] or None for r in rows})
    looping = theme_cycles(parents)
    for row in _save_order(rows, {t.key for t in stored}):
        problems = _theme_problems(row, looping)
        row["errors"] += problems.values()
        row["targets"] = set(problems)
        if row["errors"]:
            continue
        try:
            taxonomy.save_theme(
                db,
                key=row["key"],
                label=row["label"],
                actor=current_user,
                parent_key=row["parent"] or None,
                synonyms=row["synonyms"].split(","),
                description=descriptions.get(row["key"], ""),
                position=int(row["position"]) if row["position"] else None,
            )
        except ValidationError as err:
            row["errors"].append(" ".join([err.message, *err.errors.values()]))
            row["targets"] = {"parent"} if "parent" in err.errors else {"label"}
    if any(r["errors"] for r in rows):
        db.rollback()
        message = _("Les thématiques n'ont pas été enregistrées : corrigez les lignes signalées.")
        return render_template("forms_admin/themes.html", rows=_theme_blanks(rows), themes=stored, message=message), 400
    db.commit()
    flash(_("Thématiques enregistrées."), "success")
    return redirect(url_for("forms_admin.themes"))
