"""The occurrence index follows event records: saves, changes of one date, visibility, windows, SEQUENCE."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from wiki.agenda import feeds
from wiki.agenda import occurrences
from wiki.agenda import overrides
from wiki.agenda import projection
from wiki.agenda.models import AgendaEvent
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.records import access
from wiki.records import form_services
from wiki.records import services as records

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
UTC = dt.UTC


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def test_a_saved_event_is_indexed_with_a_stable_uid(db, events):
    record = events(
        "Ciné-débat", {"start": "2026-12-04T20:30", "end": "2026-12-04T23:00"}, organisateur="Cinéma Manivel"
    )
    event = db.get(AgendaEvent, record.id)
    assert event.public and not event.recurring and event.organiser == "Cinéma Manivel"
    uid = event.uid
    (item,) = occurrences.occurrences(db, paris(2026, 12, 1), paris(2027, 1, 1))
    assert (item.title, item.start, item.end) == ("Ciné-débat", paris(2026, 12, 4, 20, 30), paris(2026, 12, 4, 23))
    records.update_record(db, record, {"title": "Ciné-débat", "horaire": {"start": "2026-12-05T20:30", "timezone": "Europe/Paris"}},
                          actor=events.author, policy="account", base_revision=None)  # fmt: skip
    db.commit()
    assert db.get(AgendaEvent, record.id).uid == uid
    (item,) = occurrences.occurrences(db, paris(2026, 12, 1), paris(2027, 1, 1))
    assert item.start == paris(2026, 12, 5, 20, 30)


def test_weekly_event_keeps_its_wall_time_across_the_dst_change(db, events):
    events("Marché", {"start": "2026-10-19T08:00", "end": "2026-10-19T13:00", "rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=3"})
    items = occurrences.occurrences(db, paris(2026, 10, 1), paris(2026, 12, 1))
    assert [i.start for i in items] == [paris(2026, 10, 19, 8), paris(2026, 10, 26, 8), paris(2026, 11, 2, 8)]
    assert [i.start.utcoffset() for i in items] == [dt.timedelta(hours=2), dt.timedelta(hours=1), dt.timedelta(hours=1)]


def test_all_day_events_cover_whole_local_days(db, events):
    events("Fête", {"start": "2026-10-24", "end": "2026-10-25", "all_day": True})
    (item,) = occurrences.occurrences(db, paris(2026, 10, 25, 12), paris(2026, 10, 25, 13))
    assert item.all_day and item.start == paris(2026, 10, 24) and item.end == paris(2026, 10, 26)
    assert item.last_day == dt.date(2026, 10, 25)


def test_exceptions_overrides_and_cancellations(db, events):
    record = events("Conseil", {"start": "2026-11-10T20:00", "end": "2026-11-10T22:00", "rrule": "FREQ=MONTHLY;BYDAY=2TU;COUNT=4",
                                "exdates": ["2026-12-08"]})  # fmt: skip
    event = db.get(AgendaEvent, record.id)
    overrides.change_occurrence(db, record, event, "2027-01-12T20:00", {"start": "2027-01-14T19:00", "location": "Salle du Parc"},
                             actor=events.author, policy="account")  # fmt: skip
    overrides.cancel_occurrence(db, record, event, "2027-02-09T20:00", actor=events.author, policy="account")
    db.commit()
    items = occurrences.occurrences(db, paris(2026, 11, 1), paris(2027, 3, 1))
    assert [(i.start, i.cancelled) for i in items] == [
        (paris(2026, 11, 10, 20), False),
        (paris(2027, 1, 14, 19), False),
        (paris(2027, 2, 9, 20), True),
    ]
    moved = items[1]
    assert moved.moved and moved.location == "Salle du Parc" and moved.end == paris(2027, 1, 14, 21)
    assert occurrences.upcoming(db, now=paris(2027, 2, 1), number=5) == []  # the cancelled one is not "next"
    overrides.reset_occurrence(db, record, event, "2027-02-09T20:00", actor=events.author, policy="account")
    db.commit()
    assert not occurrences.occurrences(db, paris(2027, 2, 1), paris(2027, 3, 1))[0].cancelled


def test_one_occurrence_must_exist_and_belongs_to_editors(db, events):
    record = events("Atelier", {"start": "2026-11-03T10:00", "rrule": "FREQ=WEEKLY;COUNT=3"})
    event = db.get(AgendaEvent, record.id)
    with pytest.raises(NotFound):
        overrides.cancel_occurrence(db, record, event, "2026-11-04T10:00", actor=events.author, policy="account")
    with pytest.raises(Forbidden):
        overrides.cancel_occurrence(db, record, event, "2026-11-03T10:00", actor=None, policy="account")
    with pytest.raises(ValidationError) as refused:
        overrides.change_occurrence(db, record, event, "2026-11-10T10:00", {"start": "2026-13-40T10:00"}, actor=events.author,
                                 policy="account")  # fmt: skip
    assert "start" in refused.value.errors


def test_sequence_rises_on_schedule_changes_only(db, events):
    record = events("Repair café", {"start": "2026-11-07T14:00", "rrule": "FREQ=MONTHLY;BYDAY=1SA"})
    event = db.get(AgendaEvent, record.id)
    assert event.sequence == 0

    def save(**changes):
        values = {**access.public_values(record, events.author), **changes}
        records.update_record(db, record, values, actor=events.author, policy="account", base_revision=None)
        db.commit()
        return db.get(AgendaEvent, record.id).sequence

    assert save(description="Apportez vos objets.") == 0
    assert (
        save(horaire={"start": "2026-11-07T14:30", "rrule": "FREQ=MONTHLY;BYDAY=1SA", "timezone": "Europe/Paris"}) == 1
    )
    overrides.cancel_occurrence(db, record, event, "2026-12-05T14:30", actor=events.author, policy="account")
    assert event.sequence == 2


def test_drafts_and_unpublished_events_stay_out_of_the_public_agenda(db, events):
    events("Brouillon", {"start": "2026-11-20T10:00"}, status="draft")
    events("Publié", {"start": "2026-11-21T10:00"})
    titles = [i.title for i in occurrences.occurrences(db, paris(2026, 11, 1), paris(2026, 12, 1))]
    assert titles == ["Publié"]
    assert [e["title"] for e in feeds.feed_events(db, now=paris(2026, 11, 1))] == ["Publié"]


def test_deleted_events_leave_the_agenda_and_free_their_uid(db, events):
    record = events("Annulé pour de bon", {"start": "2026-11-20T10:00"})
    records.delete_record(db, record, actor=events.author)
    db.commit()
    assert db.get(AgendaEvent, record.id) is None
    assert occurrences.occurrences(db, paris(2026, 11, 1), paris(2026, 12, 1)) == []


def test_queries_outside_the_stored_window_expand_on_the_fly(db, events):
    record = events("Marché", {"start": "2020-01-06T08:00", "rrule": "FREQ=WEEKLY;BYDAY=MO"})
    event = db.get(AgendaEvent, record.id)
    assert event.window_start is not None
    far = occurrences.occurrences(db, paris(2030, 3, 1), paris(2030, 4, 1))
    assert [i.start.day for i in far] == [4, 11, 18, 25]
    old = occurrences.occurrences(db, paris(2021, 2, 1), paris(2021, 2, 15))
    assert [i.start.day for i in old] == [1, 8]


def test_filters_by_theme_zone_organiser_and_form(db, events):
    events(
        "Marché", {"start": "2026-11-23T08:00"}, themes=["alimentation"], commune="35236", organisateur="Ville de Redon"
    )
    events(
        "Concert", {"start": "2026-11-24T20:00"}, themes=["culture"], commune="35236", organisateur="Comité des fêtes"
    )
    events("Balade", {"start": "2026-11-25T14:00"}, themes=["environnement"], commune="44036")
    window = (paris(2026, 11, 1), paris(2026, 12, 1))

    def titles(**filters):
        return [i.title for i in occurrences.occurrences(db, *window, occurrences.AgendaFilters(**filters))]

    assert titles(themes=["culture", "alimentation"]) == ["Marché", "Concert"]
    assert titles(zones=["44036"]) == ["Balade"]
    assert titles(organiser="Ville de Redon") == ["Marché"]
    assert titles(form="evenement") == ["Marché", "Concert", "Balade"]
    assert titles(form="initiative") == []
    assert occurrences.organisers(db) == ["Comité des fêtes", "Ville de Redon"]


def test_ranges_are_bounded(db, events):
    with pytest.raises(ValidationError):
        occurrences.occurrences(db, paris(2026, 1, 1), paris(2029, 1, 1))
    with pytest.raises(ValidationError):
        occurrences.occurrences(db, paris(2026, 2, 1), paris(2026, 1, 1))


def test_refresh_moves_the_window_of_recurring_events(db, events):
    record = events("Marché", {"start": "2026-01-05T08:00", "rrule": "FREQ=WEEKLY;BYDAY=MO"})
    later = dt.datetime(2028, 6, 1, tzinfo=UTC)
    assert projection.refresh_windows(db, now=later) == 1
    assert db.get(AgendaEvent, record.id).window_end > later + dt.timedelta(days=300)


def test_refresh_command_and_form_changes_reindex(app, db, events):
    record = events("Marché", {"start": "2026-01-05T08:00", "rrule": "FREQ=WEEKLY;BYDAY=MO"})
    result = app.test_cli_runner().invoke(args=["agenda", "refresh"])
    assert result.exit_code == 0 and "réindexé" in result.output
    fields = [dict(f, visibility="members") if f["type"] == "schedule" else f for f in events.form.fields]
    form_services.update_form(db, events.form, title=events.form.title, fields=fields, actor=events.author)
    db.commit()
    assert not db.get(AgendaEvent, record.id).public


def test_extra_dates_are_indexed_and_listed_exdates_still_removing_them(db, events):
    record = events("Concerts", {"start": "2026-11-06T20:30", "end": "2026-11-06T22:30", "exdates": ["2026-12-04T20:30"],
                                 "rdates": ["2026-11-20T18:00/2026-11-20T23:00", "2026-12-04T20:30", "2026-12-18T20:30"]})  # fmt: skip
    assert db.get(AgendaEvent, record.id).recurring
    items = occurrences.occurrences(db, paris(2026, 11, 1), paris(2027, 1, 1))
    assert [(i.start, i.end, i.recurrence_id) for i in items] == [
        (paris(2026, 11, 6, 20, 30), paris(2026, 11, 6, 22, 30), "2026-11-06T20:30"),
        (paris(2026, 11, 20, 18), paris(2026, 11, 20, 23), "2026-11-20T18:00"),  # a period: its own end
        (paris(2026, 12, 18, 20, 30), paris(2026, 12, 18, 22, 30), "2026-12-18T20:30"),
    ]
    assert "dates supplémentaires : vendredi 20 novembre 2026, 18:00–23:00" in projection.describe(record)


def test_zone_filters_name_a_level_as_the_map_does(db, events):
    fields = [
        {"id": "f_00000001", "key": "title", "type": "text", "label": "Titre", "required": True},
        {"id": "f_00000002", "key": "horaire", "type": "schedule", "label": "Horaire", "required": True},
        {"id": "f_00000003", "key": "canton", "type": "zone", "label": "Canton", "options": {"levels": ["canton"]}},
    ]
    form = form_services.create_form(db, key="permanences", title="Permanences", fields=fields, actor=events.author)
    records.create_record(db, form, {"title": "Permanence", "canton": "35013",
                                     "horaire": {"start": "2026-11-26T09:00", "timezone": "Europe/Paris"}},
                          actor=events.author, policy="account")  # fmt: skip
    events("Fête de Bains", {"start": "2026-11-27T18:00"}, commune="35013")  # the commune of the same code
    db.commit()
    window = (paris(2026, 11, 1), paris(2026, 12, 1))

    def titles(*zones):
        return [i.title for i in occurrences.occurrences(db, *window, occurrences.AgendaFilters(zones=list(zones)))]

    assert titles("35013") == ["Fête de Bains"]  # a bare code is a commune
    assert titles("canton:35013") == ["Permanence"]  # commune 35013 (Bains-sur-Oust) is another zone
    assert titles("35013", "canton:35013") == ["Permanence", "Fête de Bains"]
    assert titles("pas-un-code!") == []
