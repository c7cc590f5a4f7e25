"""Keep the map in step with records: every save re-projects, every deletion removes.

Connected by ``geodata.init_app``; the records domain never imports this
(STYLE R15). Runs in the transaction of the change itself, so a record and
its place on the map are committed (or rolled back) together.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from geodata import placement
from wiki import signals


def on_record_saved(sender: Any, *, session: Session, record: Any, action: str = "edit", **_: Any) -> None:
    """Re-project a saved record (geometry, status, title and zones may have changed).

    No flush of its own: the record is written by now, and its queries flush what they need.
    """
    placement.sync_record(session, record, fresh=action == "create")


def on_records_created(sender: Any, *, session: Session, records: Any, **_: Any) -> None:
    """Place records created together (an import) on the map and in their zones, all at once."""
    placement.place_new_records(session, records)


def on_record_deleted(sender: Any, *, session: Session, record: Any, **_: Any) -> None:
    """Take a deleted record off the map and out of its zones."""
    placement.forget_record(session, record.id)


def on_form_saved(sender: Any, *, session: Session, form: Any, action: str, **_: Any) -> None:
    """A form's fields changed: a geometry field may have become private, or appeared."""
    if action != "create":
        placement.sync_form(session, form)


def connect() -> None:
    """Subscribe to the records signals (idempotent)."""
    signals.connect_batched(on_record_saved, on_records_created)
    signals.record_deleted.connect(on_record_deleted)
    signals.form_saved.connect(on_form_saved)
