"""Moderator screens to build forms without code: forms, shared choice lists, themes.

Blueprint ``forms_admin``: ``/-/formulaires`` (list, create, field builder,
history), ``/-/listes`` (shared lists of choices, like YesWiki's « listes »)
and ``/-/thematiques`` (the theme taxonomy). Every route is for moderators,
checked once in ``before_request``; the services check again (STYLE R8).

The field builder needs no JavaScript: each field is a fieldset of plain
inputs named ``fields-N-…``; « Monter » / « Descendre » are submit buttons
(``move=N:up``) that reorder and re-render *without* saving. The pure helpers
below turn the flat inputs into field definitions and back; views parse the
request, call one service and, on any refusal, re-render with everything the
moderator typed (STYLE R5, R7).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki.auth import permissions
from wiki.db import get_session
from wiki.errors import EditConflict
from wiki.errors import ValidationError
from wiki.records import fields as F
from wiki.records import services
from wiki.records import taxonomy
from wiki.records import values as val
from wiki.revisions import list_revisions

bp = Blueprint("forms_admin", __name__)

#: Blank « Ajouter un champ » rows offered under the existing fields.
BLANK_ROWS = 3
#: Most rows read from one submission (fields of a form plus blank ones; themes).
MAX_ROWS = F.MAX_FIELDS + 20
#: Form keys taken by routes of this blueprint (``/-/formulaires/nouveau``).
ROUTE_KEYS = frozenset({"nouveau"})
#: Options each type exposes in the builder; other options of a field are kept as they were.
EXPOSED_OPTIONS: dict[str, tuple[str, ...]] = {
    "text": ("max_length",),
    "longtext": ("max_length",),
    "number": ("unit", "min", "max"),
    "date": ("min", "max"),
    "datetime": ("min", "max"),
    "choice": ("list", "choices"),
    "multichoice": ("list", "choices"),
    "zone": ("multiple",),
}
OPTION_NAMES = frozenset(name for names in EXPOSED_OPTIONS.values() for name in names)
ROW_TEXTS = ("id", "key", "label", "type", "help", "visibility", "consent", "position", "list", "choices", "unit", "max_length", "min", "max")
ROW_CHECKS = ("required", "personal", "delete", "multiple")
THEME_TEXTS = ("key", "label", "parent", "synonyms", "position")
_ROW_RE = re.compile(r"(fields|themes)-([0-9]{1,4})-[a-z_]{1,20}\Z")
_FIELD_NO_RE = re.compile(r"Champ ([0-9]{1,4})\b")
_MOVE_RE = re.compile(r"([0-9]{1,4}):(up|down)\Z")


def type_labels() -> dict[str, str]:
    """French names of the field types, in builder order."""
    return {
        "text": _("Texte court"), "longtext": _("Texte long (Markdown)"), "number": _("Nombre"),
        "boolean": _("Oui/non"), "choice": _("Choix"), "multichoice": _("Choix multiple"), "date": _("Date"),
        "datetime": _("Date et heure"), "schedule": _("Horaire (début/fin)"), "geometry": _("Géométrie (carte)"),
        "zone": _("Commune (code INSEE)"), "theme": _("Thématiques"), "url": _("Lien web"), "email": _("E-mail"),
        "phone": _("Téléphone"), "file": _("Fichier"), "image": _("Image"), "link": _("Lien vers une fiche ou une page"),
    }  # fmt: skip


def visibility_labels() -> dict[str, str]:
    """French names of field visibilities."""
    return {"public": _("Public"), "members": _("Membres connectés"), "private": _("Privé (modérateurs et auteur)")}


@bp.before_request
def _moderators_only() -> Any:
    """Every screen here is for moderators; anonymous visitors are sent to log in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    if not permissions.has_role(current_user, "moderator"):
        abort(403)
    return None


# --- pure helpers: flat inputs <-> definitions ----------------------------------------


def slug_key(text: str, *, sep: str = "_") -> str:
    """Suggest a key from a title: « Lieux de médiation numérique » → ``lieux_de_mediation_numerique``."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text or "") if not unicodedata.combining(c)).lower()
    key = re.sub(r"[^a-z0-9]+", sep, folded).strip(sep)[:64].rstrip(sep)
    if sep == "_" and key and not key[0].isalpha():
        key = f"f_{key}"[:64].rstrip("_")
    return key


def parse_items(text: str) -> list[dict[str, str]]:
    """Read choices written one per line as ``valeur | Libellé`` (a bare label gets a value made from it)."""
    items = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        value, bar, label = line.partition("|")
        value, label = value.strip(), label.strip()
        if not bar:
            value, label = slug_key(line, sep="-"), line.strip()
        items.append({"value": value, "label": label or value})
    return items


def items_text(items: Any) -> str:
    """Write choices back as the builder's textarea shows them."""
    return "\n".join(f"{item.get('value', '')} | {item.get('label', '')}" for item in items or [] if isinstance(item, Mapping))


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, bool) else str(value)


def _clean(raw: str) -> str:
    return raw.replace("\r\n", "\n").replace("\r", "\n").strip()


def _row(n: int, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {name: "" for name in ROW_TEXTS} | {name: False for name in ROW_CHECKS}
    row.update(values, n=n, errors=[])
    # Blank: nothing typed but the type or position; a half-filled row goes to the service and comes back refused.
    row["blank"] = not any(row[name] for name in (*ROW_TEXTS, *ROW_CHECKS) if name not in ("type", "visibility", "position", "delete"))
    return row


def blank_row(n: int) -> dict[str, Any]:
    """Return an empty « Ajouter un champ » row."""
    return _row(n, type="text", visibility="public")


def rows_from_fields(defs: list[F.FieldDef]) -> list[dict[str, Any]]:
    """Return builder rows for the fields of a form, in order.

    A consent box is named by its field's internal id (as the title field
    is), so renaming its key in the same save keeps the link.
    """
    ids = {d.key: d.id for d in defs}
    rows = []
    for n, d in enumerate(defs):
        opts = d.options
        consent = ids.get(d.consent_field, d.consent_field) if d.consent_field else ""
        rows.append(_row(
            n, id=d.id, key=d.key, label=d.label, type=d.type, help=d.help, required=d.required,
            visibility=d.visibility, personal=d.personal, consent=consent, position=str(n + 1), list=_text(opts.get("list")),
            choices=items_text(opts.get("choices")), unit=_text(opts.get("unit")), max_length=_text(opts.get("max_length")),
            min=_text(opts.get("min")), max=_text(opts.get("max")), multiple=bool(opts.get("multiple")),
        ))  # fmt: skip
    return rows


def _row_indexes(data: Mapping[str, Any], prefix: str) -> list[int]:
    found = {int(m.group(2)) for name in data if (m := _ROW_RE.match(name)) and m.group(1) == prefix}
    return sorted(found)[:MAX_ROWS]


def _position(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 6 else 10**6


def parse_rows(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Read the builder rows of a submission, sorted by their « position » input (ties keep page order).

    A new row with a label and no key gets a key suggested from its label.
    """
    rows = []
    for n in _row_indexes(data, "fields"):
        texts = {name: _clean(str(data.get(f"fields-{n}-{name}", ""))) for name in ROW_TEXTS}
        checks = {name: f"fields-{n}-{name}" in data for name in ROW_CHECKS}
        if not texts["id"] and not texts["key"] and texts["label"]:
            texts["key"] = slug_key(texts["label"])
        rows.append(_row(n, **texts, **checks))
    rows.sort(key=lambda r: (r["blank"], _position(r["position"])))
    return rows


def renumber(rows: list[dict[str, Any]], blanks: int = BLANK_ROWS) -> list[dict[str, Any]]:
    """Number rows 0… again (inputs and positions), keeping ``blanks`` empty rows at the end."""
    kept = [r for r in rows if not r["blank"]]
    kept += [blank_row(0) for _ in range(blanks)]
    for n, row in enumerate(kept):
        row["n"] = n
        if not row["blank"]:
            row["position"] = str(n + 1)
    return kept


def move_row(rows: list[dict[str, Any]], move: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Apply a « Monter » / « Descendre » button (``N:up``, ``N:down``); return the rows and the moved one."""
    match = _MOVE_RE.match(move or "")
    kept = [r for r in rows if not r["blank"]]
    index = next((i for i, r in enumerate(kept) if match and r["n"] == int(match.group(1))), None)
    if index is None:
        return rows, None
    other = index - 1 if match.group(2) == "up" else index + 1
    if 0 <= other < len(kept):
        kept[index], kept[other] = kept[other], kept[index]
    return kept + [r for r in rows if r["blank"]], kept[other] if 0 <= other < len(kept) else kept[index]


def _int_or_raw(raw: str) -> Any:
    return int(raw) if raw.isdigit() and len(raw) < 12 else raw


def _number_or_raw(raw: str) -> Any:
    try:
        return val.parse_number(raw)
    except val.FieldError:
        return raw  # the schema refuses it with its own message


def field_from_row(row: Mapping[str, Any], old: Mapping[str, F.FieldDef], keys: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Turn one builder row into a field definition for the services.

    Options the builder does not show (``integer``, ``kinds``, ``levels``…) are
    kept while the type stays the same. ``keys`` gives the key each row id
    is saved under, to name the consent box by its key (a row without id is
    named by its key already).
    """
    kind = row["type"]
    field: dict[str, Any] = {
        "key": row["key"], "type": kind, "label": row["label"], "help": row["help"], "required": row["required"],
        "visibility": row["visibility"] or "public", "personal": row["personal"],
    }  # fmt: skip
    if row["consent"]:
        field["consent_field"] = (keys or {}).get(row["consent"], row["consent"])
    if row["id"]:
        field["id"] = row["id"]
    before = old.get(row["id"])
    exposed = EXPOSED_OPTIONS.get(kind, ())
    options = {k: v for k, v in before.options.items() if k not in exposed} if before and before.type == kind else {}
    if "max_length" in exposed and row["max_length"]:
        options["max_length"] = _int_or_raw(row["max_length"])
    if "unit" in exposed and row["unit"]:
        options["unit"] = row["unit"]
    for name in ("min", "max"):
        if name in exposed and row[name]:
            options[name] = _number_or_raw(row[name]) if kind == "number" else row[name]
    if "list" in exposed and row["list"]:
        options["list"] = row["list"]
    if "choices" in exposed and row["choices"]:
        options["choices"] = parse_items(row["choices"])
    if "multiple" in exposed and row["multiple"]:
        options["multiple"] = True
    if options:
        field["options"] = options
    return field


def spread_errors(err: ValidationError, saved: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Attach the service's messages to the rows they name; return every message with its anchor.

    The schema names fields « Champ N » by their place in the submitted list;
    type-change refusals start with the field's « label ».
    """
    messages: list[tuple[str, str]] = []
    for name, text in err.errors.items():
        for part in text.split(" ; ") if name == "fields" else [text]:
            anchor = {"title": "form-title", "title_field": "form-title-field", "key": "form-key"}.get(name, "champs")
            match = _FIELD_NO_RE.match(part)
            number = int(match.group(1)) if match else 0
            row = saved[number - 1] if 0 < number <= len(saved) else next((r for r in saved if r["label"] and part.startswith(f"« {r['label']} »")), None)
            if row is not None:
                row["errors"].append(part)
                anchor = f"f-{row['n']}"
            messages.append((part, anchor))
    return messages


def error_targets(messages: list[str]) -> set[str]:
    """Guess which inputs of a row its messages are about (for ``aria-invalid``)."""
    text = " ".join(messages).lower()
    targets = {name for word, name in (("clé", "key"), ("libellé", "label"), ("type", "type"), ("aide", "help"),
                                       ("visibilité", "visibility"), ("identifiant", "key"), ("consentement", "consent"))
               if word in text}  # fmt: skip
    for option in OPTION_NAMES:
        if f"« {option} »" in text:
            targets.add(option)
    if "choix" in text:
        targets.add("choices")
    return targets or {"key"}


@dataclass(frozen=True)
class SchemaChange:
    """One difference between two snapshots of a form, for its history."""

    kind: str  # added, removed, renamed, retyped, relabelled, settings, reordered, title, description, title_field
    key: str = ""
    old: Any = None
    new: Any = None


def snapshot_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[SchemaChange]:
    """Compare two snapshots of a form field by field (fields are matched by their stable id)."""
    old = old or {"fields": []}
    changes = [SchemaChange(name, "", old.get(name), new.get(name)) for name in ("title", "description", "title_field")
               if old.get(name) is not None and old.get(name) != new.get(name)]  # fmt: skip
    before = {f.get("id"): f for f in old.get("fields") or []}
    after = {f.get("id"): f for f in new.get("fields") or []}
    for f in new.get("fields") or []:
        b = before.get(f.get("id"))
        if b is None:
            changes.append(SchemaChange("added", f.get("key", ""), None, f.get("type")))
            continue
        if b.get("key") != f.get("key"):
            changes.append(SchemaChange("renamed", f.get("key", ""), b.get("key"), f.get("key")))
        if b.get("type") != f.get("type"):
            changes.append(SchemaChange("retyped", f.get("key", ""), b.get("type"), f.get("type")))
        if b.get("label") != f.get("label"):
            changes.append(SchemaChange("relabelled", f.get("key", ""), b.get("label"), f.get("label")))
        settings = tuple(n for n in ("required", "visibility", "personal", "consent_field", "help", "options") if b.get(n) != f.get(n))
        if settings:
            changes.append(SchemaChange("settings", f.get("key", ""), None, settings))
    changes += [SchemaChange("removed", f.get("key", ""), f.get("label"), None) for f in old.get("fields") or [] if f.get("id") not in after]
    common_before = [i for i in before if i in after]
    if common_before != [i for i in after if i in before]:
        changes.append(SchemaChange("reordered"))
    return changes


def list_usage(forms: list[Any]) -> dict[str, list[tuple[Any, str]]]:
    """Return, per shared list key, the forms and field labels that use it."""
    usage: dict[str, list[tuple[Any, str]]] = {}
    for form in forms:
        for field in services.form_fields(form):
            if field.options.get("list"):
                usage.setdefault(field.options["list"], []).append((form, field.label))
    return usage


def _base_revision(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 9 else None


def _author_names(db: Any, revisions: list[Any]) -> dict[int, str]:
    # No service resolves revision authors yet (Revision has no ``author``
    # relationship): look the few distinct accounts up by primary key.
    from wiki.auth.models import User

    names = {}
    for author_id in {r.author_id for r in revisions if r.author_id}:
        user = db.get(User, author_id)
        if user is not None:
            names[author_id] = user.name
    return names


# --- forms ----------------------------------------------------------------------------


@bp.route("/-/formulaires")
def index() -> Any:
    """List the forms, with links to edit them, see their records and history."""
    db = get_session()
    forms = services.list_forms(db)
    return render_template("forms_admin/index.html", forms=forms, counts={f.id: len(f.fields or []) for f in forms})


@bp.route("/-/formulaires/nouveau", methods=["GET", "POST"])
def new_form() -> Any:
    """Create a form: title, key, description; it starts with one required « title » field."""
    values = {name: _clean(request.form.get(name, "")) for name in ("title", "key", "description", "comment")}
    if request.method == "GET":
        return render_template("forms_admin/new.html", values=values, errors={}, message="")
    values["key"] = values["key"] or slug_key(values["title"])
    if values["key"] in ROUTE_KEYS:
        error = ValidationError(_("Le formulaire n'a pas été enregistré."), {"key": _("Cet identifiant est réservé, choisissez-en un autre.")})
        return render_template("forms_admin/new.html", values=values, errors=error.errors, message=error.message), 400
    db = get_session()
    starter = [{"key": "title", "type": "text", "label": _("Titre"), "required": True}]
    try:
        form = services.create_form(
            db, key=values["key"], title=values["title"], description=values["description"], fields=starter,
            actor=current_user, comment=values["comment"] or _("Création du formulaire"),
        )
    except ValidationError as err:
        db.rollback()
        return render_template("forms_admin/new.html", values=values, errors=err.errors, message=err.message), 400
    db.commit()
    flash(_("Formulaire créé : ajoutez-lui des champs."), "success")
    return redirect(url_for("forms_admin.edit_form", key=form.key))


def _builder(form: Any, rows: list[dict[str, Any]], meta: dict[str, Any], *, messages: list[tuple[str, str]] | None = None,
             summary: str = "", meta_errors: Mapping[str, str] | None = None, status: int = 200, conflict: bool = False,
             moved: dict[str, Any] | None = None) -> Any:
    db = get_session()
    for row in rows:
        row["targets"] = error_targets(row["errors"]) if row["errors"] else set()
        exposed = EXPOSED_OPTIONS.get(row["type"], ())
        # Open where settings matter: choices need them, set ones show, refused ones must be seen.
        row["options_open"] = row["type"] in ("choice", "multichoice") or any(row[name] for name in exposed) or bool(row["targets"] & OPTION_NAMES)
    # Yes/no rows a personal field may name as its consent box: by id once saved, by key before.
    boxes = [(row["id"] or row["key"], row["label"] or row["key"], row["key"]) for row in rows
             if row["type"] == "boolean" and not row["blank"] and not row["delete"] and (row["id"] or row["key"])]  # fmt: skip
    return render_template(
        "forms_admin/edit.html", form=form, rows=rows, meta=meta, messages=messages or [], summary=summary,
        meta_errors={k: v for k, v in (meta_errors or {}).items() if k != "fields"}, conflict=conflict, moved=moved, types=type_labels(), visibilities=visibility_labels(),
        lists=taxonomy.list_choice_lists(db), exposed=EXPOSED_OPTIONS, boxes=boxes,
    ), status


@bp.route("/-/formulaires/<key>", methods=["GET", "POST"])
def edit_form(key: str) -> Any:
    """The field builder: add, rename, retype, reorder and remove fields, without JavaScript."""
    db = get_session()
    form = services.get_form(db, key)
    if request.method == "GET":
        defs = services.form_fields(form)
        title_id = next((d.id for d in defs if d.key == form.title_field), form.title_field)
        meta = {"title": form.title, "description": form.description, "title_field": title_id, "base": form.revision_number, "comment": ""}
        return _builder(form, renumber(rows_from_fields(defs)), meta)
    meta = {name: _clean(request.form.get(name, "")) for name in ("title", "description", "title_field", "comment")}
    meta["base"] = _base_revision(request.form.get("base_revision", ""))
    rows = parse_rows(request.form)
    if request.form.get("move"):
        rows, moved = move_row(rows, request.form["move"])
        return _builder(form, renumber(rows), meta, moved=moved)
    old = {d.id: d for d in services.form_fields(form)}
    saved = [r for r in rows if not r["blank"] and not r["delete"]]
    title_field = next((r["key"] for r in rows if r["id"] and r["id"] == meta["title_field"]), meta["title_field"]) or None
    keys = {r["id"]: r["key"] for r in rows if r["id"]}  # deleted rows too: a refusal then names the box by its key
    try:
        changed = services.update_form(
            db, form, title=meta["title"], description=meta["description"], fields=[field_from_row(r, old, keys) for r in saved],
            title_field=title_field, actor=current_user, comment=meta["comment"], base_revision=meta["base"],
        )
    except ValidationError as err:
        db.rollback()
        rows = renumber(rows)  # first: messages link to the rows' new numbers
        messages = spread_errors(err, saved)
        return _builder(form, rows, meta, messages=messages, summary=err.message, meta_errors=err.errors, status=400)
    except EditConflict as err:
        db.rollback()
        meta["base"] = form.revision_number  # saving again now replaces the other version knowingly
        return _builder(form, renumber(rows), meta, summary=err.message, status=409, conflict=True)
    db.commit()
    flash(_("Formulaire enregistré.") if changed else _("Aucune modification."), "success" if changed else "info")
    return redirect(url_for("forms_admin.edit_form", key=form.key))


@bp.route("/-/formulaires/<key>/historique")
def form_history(key: str) -> Any:
    """List the revisions of a form with what changed, field by field."""
    db = get_session()
    form = services.get_form(db, key)
    revisions = list_revisions(db, "form", form.id, limit=200)
    entries = []
    for index, rev in enumerate(revisions):
        previous = revisions[index + 1].snapshot if index + 1 < len(revisions) else None
        changes = snapshot_changes(previous, rev.snapshot) if previous is not None or rev.number == 1 else []
        entries.append((rev, changes))
    return render_template(
        "forms_admin/history.html", form=form, entries=entries, names=_author_names(db, revisions), types=type_labels(),
    )


# --- shared lists of choices ------------------------------------------------------------


def _list_values() -> dict[str, str]:
    return {name: _clean(request.form.get(name, "")) for name in ("key", "title", "items", "comment")}


@bp.route("/-/listes", methods=["GET", "POST"])
def lists() -> Any:
    """List the shared lists of choices and create one."""
    db = get_session()
    existing = taxonomy.list_choice_lists(db)
    values, errors, message = _list_values(), {}, ""
    if request.method == "POST":
        values["key"] = values["key"] or slug_key(values["title"])
        try:
            if values["key"] in {cl.key for cl in existing}:
                # save_choice_list replaces a list with the same key: never from the creation form.
                raise ValidationError(_("La liste n'a pas été enregistrée."), {"key": _("Une liste porte déjà cet identifiant.")})
            choice_list = taxonomy.save_choice_list(
                db, key=values["key"], title=values["title"], items=parse_items(values["items"]), actor=current_user,
                comment=values["comment"] or _("Création de la liste"),
            )
        except ValidationError as err:
            db.rollback()
            errors, message = err.errors, err.message
        else:
            db.commit()
            flash(_("Liste créée."), "success")
            return redirect(url_for("forms_admin.edit_list", key=choice_list.key))
    return render_template(
        "forms_admin/lists.html", lists=existing, usage=list_usage(services.list_forms(db)), values=values, errors=errors,
        message=message,
    ), 400 if errors else 200


@bp.route("/-/listes/<key>", methods=["GET", "POST"])
def edit_list(key: str) -> Any:
    """Edit a shared list: its title and its items (a revision each time)."""
    db = get_session()
    choice_list = next((cl for cl in taxonomy.list_choice_lists(db) if cl.key == key), None)
    if choice_list is None:
        abort(404)
    values, errors, message = {"title": choice_list.title, "items": items_text(choice_list.items), "comment": ""}, {}, ""
    if request.method == "POST":
        values = _list_values()
        try:
            taxonomy.save_choice_list(db, key=key, title=values["title"], items=parse_items(values["items"]), actor=current_user, comment=values["comment"])
        except ValidationError as err:
            db.rollback()
            errors, message = err.errors, err.message
        else:
            db.commit()
            flash(_("Liste enregistrée."), "success")
            return redirect(url_for("forms_admin.edit_list", key=key))
    revisions = list_revisions(db, "list", choice_list.id, limit=100)
    return render_template(
        "forms_admin/list_edit.html", choice_list=choice_list, values=values, errors=errors, message=message,
        revisions=revisions, names=_author_names(db, revisions), usage=list_usage(services.list_forms(db)).get(key, []),
    ), 400 if errors else 200


# --- themes --------------------------------------------------------------------------------


def parse_theme_rows(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Read the rows of the theme table; a new row with a label and no key gets one from its label."""
    rows = []
    for n in _row_indexes(data, "themes"):
        row: dict[str, Any] = {name: _clean(str(data.get(f"themes-{n}-{name}", ""))) for name in THEME_TEXTS}
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
        ready = [r for r in pending if not r["parent"] or r["parent"] in done or r["parent"] not in {p["key"] for p in pending}]
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
        problems["key"] = _("Identifiant invalide : minuscules sans accent, chiffres et « _ », en commençant par une lettre.")
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
    rows = [r for r in parse_theme_rows(request.form) if not r["blank"]]
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
                db, key=row["key"], label=row["label"], actor=current_user, parent_key=row["parent"] or None,
                synonyms=row["synonyms"].split(","), description=descriptions.get(row["key"], ""),
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
