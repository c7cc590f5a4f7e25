"""What a calendar feed's cache key depends on (``wiki.agenda.feeds.feed_stamp``)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from wiki.agenda import feeds
from wiki.agenda.models import AgendaEvent
from wiki.db import bump_content_version


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_change_committed_after_a_newer_one_still_moves_the_stamp(db, events):
    """Concurrent writers (workers, app nodes) may commit out of their ``updated_at`` order: a change stamped
    earlier than the newest one, committed after it, must still give feeds a new key (and a new ETag)."""
    late = events("Marché", {"start": "2030-10-19T08:00", "end": "2030-10-19T13:00"})
    events("Conseil", {"start": "2030-11-10T20:00", "end": "2030-11-10T22:00"})
    before = feeds.feed_stamp(db)
    newest = db.scalar(select(func.max(AgendaEvent.updated_at)))
    # A change of the first event, which began before the newest change, commits now with its older time.
    older = newest - dt.timedelta(milliseconds=5)
    db.execute(update(AgendaEvent).where(AgendaEvent.record_id == late.id).values(updated_at=older, sequence=9))
    bump_content_version(db)  # as its commit does
    db.commit()
    assert db.scalar(select(func.max(AgendaEvent.updated_at))) == newest
    assert feeds.feed_stamp(db).key != before.key
