"""Keep the queue in step with records: a pending record waits there until decided.

A record becomes ``pending`` when an anonymous visitor or an untrusted person
adds it under pre-moderation, or when its author submits a draft for review:
it then enters the queue. A moderator who publishes, archives or deletes it
from the record's own screen closes its entry.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from wiki import signals
from wiki.moderation import waiting


def on_record_saved(sender: Any, *, session: Session, record: Any, revision: Any, action: str, actor: Any) -> None:
    """Queue a record that became pending; close its entry when a moderator decides elsewhere."""
    if record.status == "pending" and action in ("create", "status"):
        waiting.note_pending_record(session, record, actor, getattr(revision, "comment", ""))
    elif action == "status" and record.status in ("published", "archived"):
        waiting.close_pending_record(session, record, actor=actor, state="accepted")


def on_record_deleted(sender: Any, *, session: Session, record: Any, actor: Any, comment: str = "") -> None:
    """A deleted record no longer waits."""
    waiting.close_pending_record(session, record, actor=actor, state="refused")


def connect() -> None:
    """Connect the subscribers (once per process)."""
    signals.record_saved.connect(on_record_saved, weak=False)
    signals.record_deleted.connect(on_record_deleted, weak=False)
