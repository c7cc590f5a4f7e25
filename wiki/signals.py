"""Named signals for cross-domain side effects (STYLE R15).

Domains *send* these; subscribers (recent changes, search, notifications,
statistics) live in their own modules and connect in their ``init_app``.
Every signal is sent with the SQLAlchemy session of the unit of work as
``session=`` so a subscriber may add rows in the same transaction, and the
changed object as sender-side keyword arguments.
"""

from __future__ import annotations

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
