"""Who reads and who changes which values of a record, field by field.

The rule itself is the form's :class:`~wiki.records.disclosure.Disclosure`
(pure: visibility, personal data, consent boxes); who the actor is for a
record (``public``, ``members`` or ``private`` reader) is
:func:`wiki.auth.permissions.reader_level`. This module applies the one to
the other for views, exports, the API, search and importers. Service layer:
no request globals.
"""

from __future__ import annotations

from typing import Any

from wiki.auth import permissions
from wiki.records import disclosure as D
from wiki.records import fields as F
from wiki.records.form_services import disclosure
from wiki.records.form_services import form_fields
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.revisions import Change
from wiki.revisions import diff_snapshots


def visible_to(actor: Any, field: F.FieldDef, record: Record) -> bool:
    """Tell whether ``actor`` may read a field's value in ``record`` (a ticked consent box counts)."""
    return disclosure(record.form).shows(field, record.data, permissions.reader_level(actor, record))


def visible_fields(actor: Any, record: Record) -> list[F.FieldDef]:
    """Return the fields of ``record``'s form whose value in it ``actor`` may read: :func:`visible_to` for each, set-wise."""
    rule, reader = disclosure(record.form), permissions.reader_level(actor, record)
    return [field for field in form_fields(record.form) if rule.shows(field, record.data, reader)]


def readable_fields(actor: Any, form: Form) -> list[F.FieldDef]:
    """Return the fields of a form whose values some record may show to ``actor``: the columns of lists."""
    return disclosure(form).columns(permissions.reader_level(actor))


def readable_values(actor: Any, record: Record) -> dict[str, Any]:
    """Return the values of ``record`` that ``actor`` may read, by field id."""
    return disclosure(record.form).values(record.data, permissions.reader_level(actor, record))


def visible_in_history(actor: Any, field: F.FieldDef, record: Record) -> bool:
    """Tell whether ``actor`` may read a field's old values: consent opens current values only."""
    return D.shows_always(field, permissions.reader_level(actor, record))


def history_changes(
    actor: Any, record: Record, old: dict[str, Any], new: dict[str, Any]
) -> tuple[dict[str, F.FieldDef], list[Change]]:
    """Return the fields whose old values ``actor`` may read (by id) and the changes between two snapshots it may see.

    Values of fields removed from the form since show to who may see them
    (:func:`wiki.auth.permissions.can_see_removed_fields`).
    """
    defs = form_fields(record.form)
    visible = {d.id: d for d in defs if visible_in_history(actor, d, record)}
    known = {d.id for d in defs}
    changes = [
        change
        for change in diff_snapshots(old, new)
        if change.key in visible or change.key not in known and permissions.can_see_removed_fields(actor)
    ]
    return visible, changes


def editable_by(actor: Any, field: F.FieldDef, record: Record | None = None) -> bool:
    """Tell whether ``actor`` may fill or change a field (consent does not count).

    In a new record (``record`` None) the contributor fills its personal and
    private values too, and members-only ones with an account; later,
    personal and private values are changed by the record's author and
    moderators only, members-only values by accounts.
    """
    if record is None:
        return field.visibility != "members" or permissions.reader_level(actor) != "public"
    return D.shows_always(field, permissions.reader_level(actor, record))


def refused_consents(actor: Any, record: Record, data: dict[str, Any]) -> list[F.FieldDef]:
    """Return the consent boxes that ``data`` ticks in ``record`` and ``actor`` may not tick.

    Ticking a box publishes personal values, so only who may change them
    (the record's author, moderators) may say the person agreed; anyone who
    may edit the record may untick it.
    """
    if permissions.can_give_consent(actor, record):
        return []
    return [
        box
        for box in disclosure(record.form).consent_fields()
        if data.get(box.id) is True and record.data.get(box.id) is not True
    ]


def public_values(record: Record, actor: Any) -> dict[str, Any]:
    """Return the record's values the actor may read, keyed by field key."""
    rule, level = disclosure(record.form), permissions.reader_level(actor, record)
    return {d.key: record.data.get(d.id) for d in rule.fields if rule.shows(d, record.data, level)}
