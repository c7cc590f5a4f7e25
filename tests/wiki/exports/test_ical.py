"""iCalendar feeds: RFC 5545 structure, round trip through icalendar + recurring_ical_events, hostile text."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
import recurring_ical_events

from wiki.agenda.recurrence import expand
from wiki.exports.ical import event_to_ical
from wiki.exports.ical import events_to_ical
from wiki.exports.ical import sequence_after_change

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
UTC = dt.UTC
STAMP = dt.datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
WINDOW = (dt.datetime(2026, 1, 1, tzinfo=PARIS), dt.datetime(2027, 12, 1, tzinfo=PARIS))


def make_event(number: int, schedule: dict, **more) -> dict:
    return {"uid": f"record-{number}@lieudit.example", "title": f"Événement {number}", "description": "", "location": "",
            "url": None, "schedule": schedule, "sequence": 0, "created": STAMP, "last_modified": STAMP,
            "status": "CONFIRMED", "cancelled": [], "overrides": {}} | more  # fmt: skip


EVENTS = [
    make_event(1, {"start": "2026-03-22T10:00", "end": "2026-03-22T11:30", "all_day": False, "timezone": "Europe/Paris",
                   "rrule": "FREQ=WEEKLY;UNTIL=20260607", "exdates": ["2026-04-05T10:00"]},
               cancelled=["2026-04-12T10:00"],
               overrides={"2026-03-29T10:00": {"start": "2026-03-29T14:00", "title": "Déplacé l'après-midi"},
                          "2026-05-03T10:00": {"start": "2026-05-04T18:00", "end": "2026-05-04T20:00"}}),
    make_event(2, {"start": "2026-01-13T20:00", "end": "2026-01-13T22:00", "all_day": False, "timezone": "Europe/Paris",
                   "rrule": "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;COUNT=10"}),
    make_event(3, {"start": "2026-07-14", "end": "2026-07-15", "all_day": True, "timezone": "Europe/Paris", "rrule": "FREQ=YEARLY"},
               overrides={"2027-07-14": {"start": "2027-07-13", "end": "2027-07-13"}}),
    make_event(4, {"start": "2026-10-18T02:30", "end": "2026-10-18T03:15", "all_day": False, "timezone": "Europe/Paris",
                   "rrule": "FREQ=WEEKLY;COUNT=3"}),
    make_event(5, {"start": "2026-03-01T09:00", "end": None, "all_day": False, "timezone": "America/New_York",
                   "rrule": "FREQ=WEEKLY;BYDAY=SU,WE;UNTIL=20260331"}),
    make_event(6, {"start": "2026-05-02T14:00", "end": "2026-05-02T17:00", "all_day": False, "timezone": "Europe/Paris"}),
    make_event(7, {"start": "2026-08-01", "end": None, "all_day": True, "timezone": "Europe/Paris",
                   "rrule": "FREQ=DAILY;COUNT=5", "exdates": ["2026-08-03"]}, cancelled=["2026-08-04"]),
    make_event(8, {"start": "2026-03-22T02:30", "end": "2026-03-22T04:00", "all_day": False, "timezone": "Europe/Paris",
                   "rrule": "FREQ=WEEKLY;COUNT=2"}),  # meets the spring-forward gap on the 29th
]  # fmt: skip


def instant(value: dt.date | dt.datetime | None) -> dt.date | dt.datetime | None:
    return value.astimezone(UTC) if isinstance(value, dt.datetime) else value


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


# --- round trip -------------------------------------------------------------------------


def test_our_feed_expands_to_exactly_our_occurrences():
    feed = parse(events_to_ical(EVENTS, calendar_name="Agenda"))
    theirs = sorted(
        (str(o["UID"]), instant(o.start), instant(o.end), str(o.get("SUMMARY")))
        for o in recurring_ical_events.of(feed).between(*WINDOW)
    )
    ours = []
    for event in EVENTS:
        for o in expand(event["schedule"], *WINDOW, overrides=event["overrides"], cancelled=set(event["cancelled"])):
            if o.cancelled:
                continue
            start, end = (o.start.date(), o.end.date()) if o.all_day else (o.start, o.end or o.start)
            title = (o.override or {}).get("title", event["title"])
            ours.append((event["uid"], instant(start), instant(end), title))
    assert sorted(ours) == theirs
    assert len(theirs) == 10 + 10 + 2 + 3 + 9 + 1 + 3 + 2


def test_rules_are_kept_not_exploded():
    data = events_to_ical(EVENTS[:1], calendar_name="Agenda")
    feed = parse(data)
    master, *changes = feed.walk("VEVENT")
    assert data.count(b"\r\nRRULE:FREQ=WEEKLY") == 1  # (the VTIMEZONE has yearly rules)
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;UNTIL=20260607T215959Z"  # UTC, as RFC 5545 requires with TZID
    assert sorted(d.dt for d in master["EXDATE"].dts) == [
        dt.datetime(2026, 4, 5, 10, tzinfo=PARIS),
        dt.datetime(2026, 4, 12, 10, tzinfo=PARIS),
    ]
    assert [(c["RECURRENCE-ID"].dt, str(c["STATUS"])) for c in changes] == [
        (dt.datetime(2026, 3, 29, 10, tzinfo=PARIS), "CONFIRMED"),
        (dt.datetime(2026, 4, 12, 10, tzinfo=PARIS), "CANCELLED"),  # cancelled: an override, not only an EXDATE
        (dt.datetime(2026, 5, 3, 10, tzinfo=PARIS), "CONFIRMED"),
    ]
    assert {str(c["UID"]) for c in changes} == {"record-1@lieudit.example"}
    all_day = parse(
        events_to_ical(
            [make_event(8, EVENTS[2]["schedule"] | {"rrule": "FREQ=YEARLY;UNTIL=20300714"})], calendar_name="A"
        )
    )
    assert all_day.walk("VEVENT")[0]["RRULE"].to_ical() == b"FREQ=YEARLY;UNTIL=20300714"


def test_cancelled_occurrences_are_cancelled_overrides_kept_out_by_exdate():
    timed = parse(events_to_ical(EVENTS[:1], calendar_name="A"))
    (cancelled,) = [c for c in timed.walk("VEVENT") if str(c.get("STATUS")) == "CANCELLED"]
    assert cancelled["RECURRENCE-ID"].dt == cancelled["DTSTART"].dt == dt.datetime(2026, 4, 12, 10, tzinfo=PARIS)
    assert cancelled["DTEND"].dt == dt.datetime(2026, 4, 12, 11, 30, tzinfo=PARIS)
    assert str(cancelled["SUMMARY"]) == "Événement 1" and str(cancelled["UID"]) == "record-1@lieudit.example"
    all_day = parse(events_to_ical([EVENTS[6]], calendar_name="A"))
    master, cancelled = all_day.walk("VEVENT")
    assert sorted(d.dt for d in master["EXDATE"].dts) == [dt.date(2026, 8, 3), dt.date(2026, 8, 4)]
    assert cancelled["RECURRENCE-ID"].dt == cancelled["DTSTART"].dt == dt.date(2026, 8, 4)
    assert str(cancelled["STATUS"]) == "CANCELLED"  # the excluded 3rd gets no override: it is no occurrence
    window = (dt.date(2026, 8, 1), dt.date(2026, 8, 10))
    assert [o.start for o in recurring_ical_events.of(all_day).between(*window)] == [
        dt.date(2026, 8, 1), dt.date(2026, 8, 2), dt.date(2026, 8, 5)]  # fmt: skip


def test_a_cancelled_one_off_event_is_status_cancelled():
    schedule = EVENTS[5]["schedule"]
    (vevent,) = parse(
        events_to_ical([make_event(6, schedule, cancelled=["2026-05-02T14:00"])], calendar_name="A")
    ).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED" and "EXDATE" not in vevent and "RRULE" not in vevent
    (kept,) = parse(events_to_ical([EVENTS[5]], calendar_name="A")).walk("VEVENT")
    assert str(kept["STATUS"]) == "CONFIRMED"


def test_cancellations_the_rule_no_longer_has_are_only_excluded():
    moved_series = make_event(9, EVENTS[1]["schedule"] | {"start": "2026-01-13T18:00", "end": "2026-01-13T20:00"},
                              cancelled=["2026-03-10T20:00", "2026-04-14T18:00"],  # the first from before the change
                              overrides={"2026-05-12T18:00": {"status": "CANCELLED"}})  # fmt: skip
    master, *changes = parse(events_to_ical([moved_series], calendar_name="A")).walk("VEVENT")
    assert [(c["RECURRENCE-ID"].dt, str(c["STATUS"])) for c in changes] == [
        (dt.datetime(2026, 4, 14, 18, tzinfo=PARIS), "CANCELLED"),
        (dt.datetime(2026, 5, 12, 18, tzinfo=PARIS), "CANCELLED"),
    ]
    assert sorted(d.dt.hour for d in master["EXDATE"].dts) == [18, 18, 20]


def test_required_properties_and_stable_output():
    data = events_to_ical(EVENTS, calendar_name="Agenda de Lieudit")
    assert data == events_to_ical(EVENTS, calendar_name="Agenda de Lieudit")  # no clock inside: same events, same bytes
    feed = parse(data)
    assert str(feed["VERSION"]) == "2.0" and str(feed["PRODID"]) == "-//Lieudit//Agenda//FR"
    assert str(feed["X-WR-CALNAME"]) == "Agenda de Lieudit"
    for component in feed.walk("VEVENT"):
        assert (
            component["DTSTAMP"].dt == STAMP
            and component["LAST-MODIFIED"].dt == STAMP
            and component["CREATED"].dt == STAMP
        )
        assert str(component["UID"]).startswith("record-") and int(component["SEQUENCE"]) == 0
    assert [str(t["TZID"]) for t in feed.walk("VTIMEZONE")] == ["America/New_York", "Europe/Paris"]
    assert feed.get_missing_tzids() == set()


def test_times_carry_tzid_and_all_day_events_are_dates():
    feed = parse(events_to_ical(EVENTS, calendar_name="Agenda"))
    by_uid = {str(c["UID"]): c for c in feed.walk("VEVENT") if "RECURRENCE-ID" not in c}
    assert by_uid["record-1@lieudit.example"]["DTSTART"].params["TZID"] == "Europe/Paris"
    assert by_uid["record-3@lieudit.example"]["DTSTART"].dt == dt.date(2026, 7, 14)
    assert by_uid["record-3@lieudit.example"]["DTEND"].dt == dt.date(2026, 7, 16)  # end inclusive → exclusive
    assert "DTEND" not in by_uid["record-5@lieudit.example"]


def test_sequence_increments_on_significant_change_only():
    event = EVENTS[0]
    assert sequence_after_change(event, event | {"title": "Autre titre"}, 3) == 3
    moved = event | {"schedule": event["schedule"] | {"start": "2026-03-22T11:00"}}
    assert sequence_after_change(event, moved, 3) == 4
    assert sequence_after_change(event, event | {"cancelled": ["2026-05-10T10:00"]}, 3) == 4


def test_status_is_one_of_the_known_values():
    assert str(event_to_ical(make_event(9, EVENTS[5]["schedule"], status="CANCELLED"))["STATUS"]) == "CANCELLED"
    assert str(event_to_ical(make_event(9, EVENTS[5]["schedule"], status="FOO\r\nX"))["STATUS"]) == "CONFIRMED"


# --- hostile text (HOSTILE_INPUTS B5-42..44) -----------------------------------------------


def test_b5_42_injected_title_stays_one_summary_of_one_event():
    title = "Meeting\r\nATTENDEE:mailto:x@evil\r\nBEGIN:VALARM\r\nTRIGGER:-PT5M\r\nEND:VALARM; a, b \\ c"
    data = events_to_ical(
        [make_event(10, EVENTS[5]["schedule"], title=title, location="Salle 1\r\nURL:javascript:x")],
        calendar_name="A\r\nX-EVIL:1",
    )
    feed = parse(data)
    (event,) = feed.walk("VEVENT")
    assert str(event["SUMMARY"]) == title.replace("\r\n", "\n")
    assert str(event["LOCATION"]) == "Salle 1\nURL:javascript:x"
    assert not feed.walk("VALARM") and "ATTENDEE" not in event and "URL" not in event and "X-EVIL" not in feed
    assert b"\r\nATTENDEE" not in data and b"\r\nBEGIN:VALARM" not in data
    assert str(feed["X-WR-CALNAME"]) == "A X-EVIL:1"


def test_b5_43_long_multibyte_text_is_folded_between_characters():
    description = "Fête de la Saint-Jean à l’église : crêpes, cidre et galettes 🎉🥞 — " * 12 + "é" * 77
    data = events_to_ical(
        [make_event(11, EVENTS[5]["schedule"], description=description, title="🎉" * 40)], calendar_name="Agenda"
    )
    for line in physical_lines(data):
        assert len(line) <= 75, line
        line.decode("utf-8")  # never a split character
    (event,) = parse(data).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == description and str(event["SUMMARY"]) == "🎉" * 40


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>", "file:///etc/passwd",
                                 "https://exemple.fr/a b", "https://user:pw@exemple.fr/", "//evil.tld\r\nX:1"])  # fmt: skip
def test_b5_44_only_http_urls_are_emitted(url):
    event = event_to_ical(make_event(12, EVENTS[5]["schedule"], url=url, location=url))
    assert "URL" not in event
    assert str(event["LOCATION"]).replace("\n", "\r\n") == url  # plain text, escaped, never a link property


def test_http_urls_are_emitted():
    assert (
        str(event_to_ical(make_event(13, EVENTS[5]["schedule"], url="https://lieudit.example/agenda/42"))["URL"])
        == "https://lieudit.example/agenda/42"
    )


def test_the_calendar_name_is_escaped_text_in_name_as_in_x_wr_calname():
    data = events_to_ical([], calendar_name="Agenda; Redon, Allaire \\ Rieux")
    assert b"\r\nNAME:Agenda\\; Redon\\, Allaire \\\\ Rieux\r\n" in data
    assert b"\r\nX-WR-CALNAME:Agenda\\; Redon\\, Allaire \\\\ Rieux\r\n" in data
