"""What a moderator (or the author) reads about a waiting contribution: its diff and who wrote it.

A page edit is compared line by line with the revision it started from
(:func:`wiki.textdiff.diff_lines`, as the history's diff view); a new page
with nothing; a record change field by field with the values it would
replace, a new record with no values (as the record history's diff view:
:func:`wiki.records.access.history_changes`, values shown by
:func:`wiki.records.display.display_value`). An anonymous author is shown
as « Anonyme » with the pseudonym recent changes give its session (a keyed
hash, never the key itself), passed in by the web layer. Service layer: no
request globals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from wiki import textdiff
from wiki.moderation.models import WaitingItem
from wiki.pages.models import Page
from wiki.pages.models import PageRevision
from wiki.records import access
from wiki.records import display
from wiki.records import fields as F
from wiki.records import form_services
from wiki.records.models import Record


@dataclass
class Review:
    """A waiting contribution ready to show: its object, its diff and its author's public name."""

    item: WaitingItem
    author: str
    #: The page or record it changes (None for a new page, or when it is gone).
    target: Any = None
    #: Page edits: line hunks (``textdiff.diff_lines``).
    hunks: list[Any] = field(default_factory=list)
    #: Records: ``(label, old, new)`` displayed values of the fields it changes.
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def author_name(item: WaitingItem, pseudonym: Callable[[str | None], str]) -> str:
    """Return the author as shown in the queue: the account's name, or « Anonyme » and the session's pseudonym."""
    if item.author is not None:
        return item.author.name
    tag = pseudonym(item.session_key)
    return f"{_l('Anonyme')} {tag}".strip() if tag else str(_l("Anonyme"))


def describe(db: Session, item: WaitingItem, actor: Any, pseudonym: Callable[[str | None], str]) -> Review:
    """Return the review of ``item`` as ``actor`` may read it.

    :param pseudonym: names an anonymous session as recent changes do (``wiki.activity.pseudonyms``).
    """
    review = Review(item=item, author=author_name(item, pseudonym))
    if item.kind == "page":
        page = db.get(Page, item.object_id) if item.object_id else None
        review.target = page
        base = db.get(PageRevision, item.base) if item.base else None
        old = base.body if base is not None else ""
        review.hunks = textdiff.diff_lines(old, item.payload.get("body", ""))
        return review
    record = db.get(Record, item.object_id) if item.object_id else None
    if record is None:
        return review
    review.target = record
    if item.is_new:
        old_data: dict[str, Any] = {}
        new_data = dict(record.data)
    else:
        old_data = dict(record.data)
        new_data = {**record.data, **(item.payload.get("data") or {})}
    visible, changes = access.history_changes(actor, record, old_data, new_data)
    labels = form_services.value_labels(db, record.form)
    for change in changes:
        found = visible.get(change.key)
        if found is None:
            continue
        review.changes.append((found.label, _shown(found, change.old, labels), _shown(found, change.new, labels)))
    return review


def _shown(found: F.FieldDef, value: Any, labels: dict[str, dict[str, str]]) -> str:
    """A value as people read it: choice and theme labels, French formats."""
    names = labels.get(found.key)
    if names is not None and value not in (None, "", []):
        chosen: list[str] = value if isinstance(value, list) else [value]
        return ", ".join(names.get(v, v) for v in chosen)
    return display.display_value(found, value) if value not in (None, "", []) else ""
