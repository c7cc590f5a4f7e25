"""Named signals for cross-domain side effects (STYLE R15).

Domains *send* these; subscribers (recent changes, search, notifications,
statistics) live in their own modules and connect in their ``init_app``.
Every signal is sent with the SQLAlchemy session of the unit of work as
``session=`` so a subscriber may add rows in the same transaction, and the
changed object as sender-side keyword arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from blinker import Namespace

_signals = Namespace()

#: A page got a new revision (kw: session, page, revision, action, actor).
page_saved = _signals.signal("page-saved")
#: A page was deleted or restored (kw: session, page, action, actor, comment).
page_deleted = _signals.signal("page-deleted")
#: A page changed without a new revision: protection (kw: session, page, action, actor, comment).
page_changed = _signals.signal("page-changed")
#: A file was attached to a page (kw: session, page, attachment, actor).
attachment_added = _signals.signal("attachment-added")
#: A form's definition changed (kw: session, form, action, actor, comment).
form_saved = _signals.signal("form-saved")
#: A record got a new revision (kw: session, record, revision, action, actor).
record_saved = _signals.signal("record-saved")
#: Records were created together, by an import (kw: session, records, revisions, actor; in one order):
#: see :func:`connect_batched` and :func:`announce_created`.
records_created = _signals.signal("records-created")
#: A record was deleted (kw: session, record, actor).
record_deleted = _signals.signal("record-deleted")
#: A record's values were redacted in place, without a new revision: an RGPD erasure
#: (kw: session, record). Its projections (search, agenda) are rebuilt from the record.
record_redacted = _signals.signal("record-redacted")
#: An account was erased (RGPD): pseudonymised, its personal values redacted (kw: session, user).
account_erased = _signals.signal("account-erased")
#: An event's agenda row was recomputed: its record was saved, or one of its occurrences changed
#: (kw: session, event, record). The iCalendar feeds store the event's VEVENTs then.
agenda_event_synced = _signals.signal("agenda-event-synced")
#: A territory zone was created or updated (kw: session, zone).
zone_saved = _signals.signal("zone-saved")
#: Any contribution by a person, for statistics (kw: session, actor, kind).
contribution_added = _signals.signal("contribution-added")
#: ``lieudit init`` created or upgraded the instance; sent by the app, outside any
#: unit of work, so derived stores can follow a new version (kw: echo, a function
#: that prints a French line for the operator).
instance_upgraded = _signals.signal("instance-upgraded")
#: A bulk write (:func:`bulk`: an import of the command line) ended, whether it succeeded or not;
#: sent by the app outside any unit of work (kw: echo). The projections that follow each commit
#: and left their work to this moment (the search index) catch up now, before the command returns.
bulk_ended = _signals.signal("bulk-ended")
_bulk: ContextVar[bool] = ContextVar("lieudit_bulk", default=False)

#: The ``record_saved`` receivers a ``records_created`` receiver stands in for, in a batch.
_batched: set[Callable[..., Any]] = set()


def connect_batched(one: Callable[..., Any], many: Callable[..., Any]) -> None:
    """Connect ``one`` to ``record_saved`` and ``many`` to ``records_created``, which replaces it for a batch."""
    record_saved.connect(one)
    records_created.connect(many)
    _batched.add(one)


def announce_created(session: Any, records: Sequence[Any], revisions: Sequence[Any], actor: Any) -> None:
    """Tell every subscriber of records just created together, each once.

    ``records_created`` is sent once for the batch; every ``record_saved``
    receiver that no batch receiver replaces (:func:`connect_batched`) is
    then called for each record, as if it had been created alone.
    """
    if not records:
        return
    records_created.send(records[0], session=session, records=records, revisions=revisions, actor=actor)
    for record, revision in zip(records, revisions, strict=True):
        for receiver in record_saved.receivers_for(record):
            if receiver not in _batched:
                receiver(record, session=session, record=record, revision=revision, action="create", actor=actor)


@contextmanager
def bulk(sender: Any, echo: Callable[[str], Any]) -> Iterator[None]:
    """Run many commits as one bulk write, then send ``bulk_ended`` (even when the block raised).

    Inside, :func:`in_bulk` is true: a projection that follows each commit
    (the search index) may leave the work to the end and do it set-wise.
    """
    token = _bulk.set(True)
    try:
        yield
    finally:
        _bulk.reset(token)
        bulk_ended.send(sender, echo=echo)


def in_bulk() -> bool:
    """Tell whether this context runs inside :func:`bulk`."""
    return _bulk.get()
