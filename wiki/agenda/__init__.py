"""Agenda: events with a schedule, recurrence rules and their expansion into occurrences.

``rules`` reads, writes, checks and describes RRULE text; ``recurrence`` expands a
schedule into dated occurrences. Both are pure; feeds live in ``wiki.exports.ical``
and the .ics reader in ``importers.ical_events``. The services: ``projection``
keeps the agenda rows (``models``) and their index of occurrences in step with
event records (through the records signals); ``occurrences`` reads them for a
range or one event; ``overrides`` changes one date of a series; ``feeds`` is
what the iCalendar feeds read. ``views`` serve ``/agenda``; ``/api/v1/events``
is served by ``wiki.api.events``.
"""

from __future__ import annotations

from typing import Any


def on_record_changed(sender: Any, *, session: Any, record: Any, action: str = "edit", **_: Any) -> None:
    """Re-index a saved or deleted record's occurrences in the same transaction."""
    from wiki.agenda import projection

    projection.sync_event(session, record, fresh=action == "create")


def on_form_saved(sender: Any, *, session: Any, form: Any, **_: Any) -> None:
    """A form's fields changed (a schedule added, its visibility changed): re-index its records."""
    from wiki.agenda import projection

    projection.sync_form(session, form)


def init_app(app: Any) -> None:
    """Keep the occurrence index in step with records, and register the agenda pages, macro and command."""
    from wiki import signals
    from wiki.agenda import cli
    from wiki.agenda import macros
    from wiki.agenda import views

    signals.record_saved.connect(on_record_changed)
    signals.record_deleted.connect(on_record_changed)
    signals.record_redacted.connect(on_record_changed)
    signals.form_saved.connect(on_form_saved)
    macros.register()
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.agenda_cli)
