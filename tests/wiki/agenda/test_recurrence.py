"""Recurrence rules and their expansion: wall-clock DST semantics, all-day, exceptions, caps."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import pytest

from wiki.agenda.recurrence import Occurrence
from wiki.agenda.recurrence import RecurrenceError
from wiki.agenda.recurrence import build_rrule
from wiki.agenda.recurrence import describe_rrule
from wiki.agenda.recurrence import expand
from wiki.agenda.recurrence import occurrence_key
from wiki.agenda.recurrence import validate_rrule
from wiki.records.schedules import clean_schedule
from wiki.records.values import FieldError

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
UTC = dt.UTC
YEAR_2026 = (dt.datetime(2026, 1, 1, tzinfo=PARIS), dt.datetime(2027, 1, 1, tzinfo=PARIS))


def timed(start: str, end: str | None = None, rrule: str | None = None, **more) -> dict:
    schedule = {"start": start, "end": end, "all_day": False, "timezone": "Europe/Paris", **more}
    return schedule | ({"rrule": rrule} if rrule else {})


def all_day(start: str, end: str | None = None, rrule: str | None = None, **more) -> dict:
    schedule = {"start": start, "end": end, "all_day": True, "timezone": "Europe/Paris", **more}
    return schedule | ({"rrule": rrule} if rrule else {})


def elapsed(occurrence: Occurrence) -> dt.timedelta:
    """Real elapsed time (Python subtracts same-zone datetimes by wall clock)."""
    return occurrence.end.astimezone(UTC) - occurrence.start.astimezone(UTC)


def starts(occurrences: list[Occurrence]) -> list[str]:
    return [o.start.strftime("%Y-%m-%d %H:%M %z") for o in occurrences]


# --- daylight saving time -----------------------------------------------------------


def test_weekly_sunday_10h_stays_10h_local_across_spring_forward():
    found = expand(timed("2026-03-22T10:00", "2026-03-22T11:00", "FREQ=WEEKLY;COUNT=3"), *YEAR_2026)
    assert starts(found) == ["2026-03-22 10:00 +0100", "2026-03-29 10:00 +0200", "2026-04-05 10:00 +0200"]
    assert [o.start.astimezone(UTC).hour for o in found] == [9, 8, 8]
    assert all(o.end - o.start == dt.timedelta(hours=1) for o in found)
    assert [o.recurrence_id for o in found] == ["2026-03-22T10:00", "2026-03-29T10:00", "2026-04-05T10:00"]


def test_weekly_stays_10h_local_across_fall_back():
    found = expand(timed("2026-10-18T10:00", "2026-10-18T11:00", "FREQ=WEEKLY;COUNT=3"), *YEAR_2026)
    assert starts(found) == ["2026-10-18 10:00 +0200", "2026-10-25 10:00 +0100", "2026-11-01 10:00 +0100"]


def test_an_event_at_0230_on_spring_forward_day_is_refused_upstream():
    with pytest.raises(FieldError) as error:
        clean_schedule({"start": "2026-03-29T02:30", "end": None, "all_day": False}, "Europe/Paris")
    assert "heure d'été" in error.value.message


def test_a_series_meeting_the_gap_moves_forward_by_the_gap():
    # RFC 5545 §3.3.5: the nonexistent 02:30 is read with the offset before the gap, i.e. 03:30 CEST.
    found = expand(timed("2026-03-22T02:30", None, "FREQ=WEEKLY;COUNT=2"), *YEAR_2026)
    assert starts(found) == ["2026-03-22 02:30 +0100", "2026-03-29 03:30 +0200"]
    assert found[1].recurrence_id == "2026-03-29T02:30"


def test_ambiguous_time_on_fall_back_day_is_the_first_one():
    (occurrence,) = expand(timed("2026-10-25T02:30", "2026-10-25T03:00"), *YEAR_2026)
    assert occurrence.start.utcoffset() == dt.timedelta(hours=2)


def test_overnight_event_keeps_its_wall_clock_hours_across_dst():
    found = expand(timed("2026-03-21T22:00", "2026-03-22T08:00", "FREQ=WEEKLY;COUNT=2"), *YEAR_2026)
    assert [(o.start.hour, o.end.hour) for o in found] == [(22, 8), (22, 8)]
    assert elapsed(found[1]) == dt.timedelta(hours=9)  # the night of the change is an hour shorter


def test_other_time_zones_follow_their_own_wall_clock():
    schedule = timed("2026-03-01T09:00", None, "FREQ=WEEKLY;COUNT=3", timezone="America/New_York")
    found = expand(schedule, *YEAR_2026)
    assert [o.start.hour for o in found] == [9, 9, 9]
    assert [o.start.utcoffset().total_seconds() / 3600 for o in found] == [-5, -4, -4]  # US change on 8 March


# --- all-day and timed ----------------------------------------------------------------


def test_all_day_events_run_from_midnight_to_the_midnight_after_their_last_day():
    found = expand(all_day("2026-03-28", "2026-03-29"), *YEAR_2026)
    (occurrence,) = found
    assert occurrence.all_day and occurrence.recurrence_id == "2026-03-28"
    assert occurrence.start == dt.datetime(2026, 3, 28, tzinfo=PARIS)
    assert occurrence.end == dt.datetime(2026, 3, 30, tzinfo=PARIS)
    assert elapsed(occurrence) == dt.timedelta(hours=47)  # the spring-forward day has 23 hours


def test_all_day_recurrence_is_date_based():
    found = expand(all_day("2026-01-31", None, "FREQ=MONTHLY;COUNT=4"), *YEAR_2026)
    assert [o.recurrence_id for o in found] == ["2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31"]
    assert all(elapsed(o) == dt.timedelta(hours=24) for o in found)


def test_window_clipping_keeps_overlapping_occurrences_only():
    schedule = timed("2026-05-04T18:00", "2026-05-04T20:00", "FREQ=DAILY")
    found = expand(schedule, dt.datetime(2026, 5, 5, 19, tzinfo=PARIS), dt.datetime(2026, 5, 7, 18, tzinfo=PARIS))
    assert [o.recurrence_id for o in found] == ["2026-05-05T18:00", "2026-05-06T18:00"]  # 7th starts at the end: out
    days = expand(
        all_day("2026-05-04", None, "FREQ=DAILY"),
        dt.datetime(2026, 5, 5, 23, 59, tzinfo=PARIS),
        dt.datetime(2026, 5, 6, 0, 1, tzinfo=PARIS),
    )
    assert [o.recurrence_id for o in days] == ["2026-05-05", "2026-05-06"]


def test_event_without_end_is_an_instant():
    (occurrence,) = expand(timed("2026-05-02T14:00"), *YEAR_2026)
    assert occurrence.end is None and occurrence.recurrence_id == "2026-05-02T14:00"
    assert (
        expand(
            timed("2026-05-02T14:00"),
            dt.datetime(2026, 5, 2, 14, 1, tzinfo=PARIS),
            dt.datetime(2026, 6, 1, tzinfo=PARIS),
        )
        == []
    )


def test_windows_in_other_zones_compare_instants():
    window = (dt.datetime(2026, 5, 2, 12, tzinfo=UTC), dt.datetime(2026, 5, 2, 12, 30, tzinfo=UTC))
    assert len(expand(timed("2026-05-02T14:00", "2026-05-02T15:00"), *window)) == 1  # 14:00 CEST = 12:00 UTC


# --- rule semantics -------------------------------------------------------------------


def test_until_is_inclusive_and_count_counts():
    weekly = expand(timed("2026-06-02T18:00", None, "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260611"), *YEAR_2026)
    assert [o.recurrence_id[:10] for o in weekly] == ["2026-06-02", "2026-06-04", "2026-06-09", "2026-06-11"]
    utc_until = expand(timed("2026-06-02T18:00", None, "FREQ=DAILY;UNTIL=20260604T160000Z"), *YEAR_2026)
    assert len(utc_until) == 3  # 16:00 UTC is 18:00 in Paris: the 4th is included
    assert len(expand(timed("2026-06-02T18:00", None, "FREQ=DAILY;COUNT=7"), *YEAR_2026)) == 7


def test_second_tuesday_in_both_spellings():
    first = expand(timed("2026-01-13T20:00", None, "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;COUNT=4"), *YEAR_2026)
    second = expand(timed("2026-01-13T20:00", None, "FREQ=MONTHLY;BYDAY=2TU;COUNT=4"), *YEAR_2026)
    assert [o.recurrence_id for o in first] == [o.recurrence_id for o in second]
    assert [o.recurrence_id[:10] for o in first] == ["2026-01-13", "2026-02-10", "2026-03-10", "2026-04-14"]


def test_yearly_and_interval():
    assert [o.recurrence_id for o in expand(all_day("2026-07-14", None, "FREQ=YEARLY"), *YEAR_2026)] == ["2026-07-14"]
    found = expand(timed("2026-01-05T09:00", None, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=3"), *YEAR_2026)
    assert [o.recurrence_id[:10] for o in found] == ["2026-01-05", "2026-01-19", "2026-02-02"]


def test_dtstart_outside_the_rule_still_counts_like_recurring_ical_events():
    found = expand(timed("2026-03-23T10:00", None, "FREQ=WEEKLY;BYDAY=SA;COUNT=2"), *YEAR_2026)
    assert [o.recurrence_id[:10] for o in found] == ["2026-03-23", "2026-03-28", "2026-04-04"]


# --- exceptions ---------------------------------------------------------------------


def test_exdates_remove_occurrences_whatever_their_spelling():
    schedule = timed(
        "2026-03-22T10:00", None, "FREQ=WEEKLY;COUNT=4", exdates=["2026-03-29T10:00:00", "2026-04-05T08:00:00+00:00"]
    )
    assert [o.recurrence_id for o in expand(schedule, *YEAR_2026)] == ["2026-03-22T10:00", "2026-04-12T10:00"]
    days = all_day("2026-03-22", None, "FREQ=DAILY;COUNT=3", exdates=["2026-03-23"])
    assert [o.recurrence_id for o in expand(days, *YEAR_2026)] == ["2026-03-22", "2026-03-24"]


def test_override_moves_one_occurrence_and_changes_its_title():
    schedule = timed("2026-03-22T10:00", "2026-03-22T11:00", "FREQ=WEEKLY;COUNT=3")
    found = expand(
        schedule,
        *YEAR_2026,
        overrides={"2026-03-29T10:00": {"start": "2026-03-29T14:00", "title": "Exceptionnellement l'après-midi"}},
    )
    moved = found[1]
    assert moved.recurrence_id == "2026-03-29T10:00" and moved.override["title"].startswith("Exceptionnellement")
    assert (moved.start.hour, moved.end.hour) == (14, 15)  # the length is kept
    assert found[0].override is None


def test_override_moving_into_or_out_of_the_window():
    schedule = timed("2026-03-02T10:00", "2026-03-02T11:00", "FREQ=WEEKLY;COUNT=10")
    window = (dt.datetime(2026, 3, 20, tzinfo=PARIS), dt.datetime(2026, 3, 31, tzinfo=PARIS))
    overrides = {"2026-03-02T10:00": {"start": "2026-03-25T15:00", "end": "2026-03-25T16:30"},
                 "2026-03-23T10:00": {"start": "2026-04-15T10:00"}}  # fmt: skip
    found = expand(schedule, *window, overrides=overrides)
    assert [(o.recurrence_id, o.start.strftime("%d %H:%M"), o.end.strftime("%H:%M")) for o in found] == [
        ("2026-03-02T10:00", "25 15:00", "16:30"),
        ("2026-03-30T10:00", "30 10:00", "11:00"),
    ]


def test_override_of_an_unknown_occurrence_is_ignored():
    schedule = timed("2026-03-22T10:00", None, "FREQ=WEEKLY;COUNT=2")
    found = expand(schedule, *YEAR_2026, overrides={"2026-03-23T10:00": {"start": "2026-03-24T10:00"}})
    assert [o.recurrence_id for o in found] == ["2026-03-22T10:00", "2026-03-29T10:00"]


def test_cancelled_occurrences_are_kept_but_flagged():
    schedule = timed("2026-03-22T10:00", None, "FREQ=WEEKLY;COUNT=3")
    found = expand(
        schedule, *YEAR_2026, cancelled={"2026-03-29T10:00"}, overrides={"2026-04-05T10:00": {"status": "CANCELLED"}}
    )
    assert [o.cancelled for o in found] == [False, True, True]


def test_overrides_on_all_day_events():
    schedule = all_day("2026-06-01", "2026-06-02", "FREQ=WEEKLY;COUNT=2")
    found = expand(schedule, *YEAR_2026, overrides={"2026-06-08": {"start": "2026-06-10"}})
    assert [(o.start.date().isoformat(), o.end.date().isoformat()) for o in found] == [
        ("2026-06-01", "2026-06-03"),
        ("2026-06-10", "2026-06-12"),
    ]


def test_occurrence_key_normalises_ids():
    assert occurrence_key("2026-03-22T10:00:00", "Europe/Paris", False) == "2026-03-22T10:00"
    assert occurrence_key(dt.datetime(2026, 3, 22, 9, tzinfo=UTC), PARIS, False) == "2026-03-22T10:00"
    assert occurrence_key(dt.date(2026, 3, 22), PARIS, True) == "2026-03-22"
    assert occurrence_key("2026-03-22T10:00:30", PARIS, False) == "2026-03-22T10:00:30"


# --- caps (HOSTILE_INPUTS B5-45) ---------------------------------------------------------


def test_window_longer_than_two_years_or_naive_is_refused():
    schedule = timed("2026-03-22T10:00", None, "FREQ=DAILY")
    with pytest.raises(RecurrenceError):
        expand(schedule, dt.datetime(2026, 1, 1, tzinfo=PARIS), dt.datetime(2029, 1, 1, tzinfo=PARIS))
    with pytest.raises(RecurrenceError):
        expand(schedule, dt.datetime(2026, 1, 1), dt.datetime(2026, 2, 1))
    with pytest.raises(RecurrenceError):
        expand(schedule, YEAR_2026[1], YEAR_2026[0])


def test_max_occurrences_caps_the_result():
    found = expand(timed("2026-01-01T10:00", None, "FREQ=DAILY"), *YEAR_2026, max_occurrences=50)
    assert len(found) == 50 and found[-1].recurrence_id == "2026-02-19T10:00"


def test_a_ten_year_rule_from_long_ago_expands_quickly_within_the_window():
    started = time.perf_counter()
    found = expand(timed("1950-01-01T10:00", None, "FREQ=DAILY"), *YEAR_2026)
    assert len(found) == 365 and time.perf_counter() - started < 2


@pytest.mark.parametrize("freq", ["SECONDLY", "MINUTELY", "HOURLY"])
def test_sub_daily_frequencies_are_refused(freq):
    with pytest.raises(RecurrenceError, match="trop fréquente"):
        validate_rrule(f"FREQ={freq}")
    with pytest.raises(RecurrenceError, match="trop fréquente"):
        expand(timed("2026-01-01T10:00", None, f"FREQ={freq}"), *YEAR_2026)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;COUNT=5001",
        "FREQ=DAILY;COUNT=0",
        "FREQ=WEEKLY;COUNT=3;UNTIL=20260101",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=WEEKLY;FOO=1",
        "FREQ=WEEKLY;UNTIL=20261345",
        "INTERVAL=2",
        "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12;BYMINUTE=0,30",
        "FREQ=DAILY;BYDAY=2TU",
        "FREQ=MONTHLY;BYMONTHDAY=32",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=WEEKLY\r\nATTENDEE:x",
        "",
    ],
)
def test_invalid_rules_are_refused_with_a_french_message(rule):
    with pytest.raises(RecurrenceError) as error:
        validate_rrule(rule)
    assert error.value.message


@pytest.mark.parametrize(
    "rule", ["FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=DAILY;INTERVAL=7;BYDAY=TU", "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6"]
)
def test_rules_that_never_produce_a_date_are_refused_fast(rule):
    # dateutil alone would search up to the year 9999 (seconds of CPU per event).
    started = time.perf_counter()
    with pytest.raises(RecurrenceError, match="aucune date"):
        validate_rrule(rule, dt.datetime(2026, 3, 2, 10))  # a Monday
    with pytest.raises(RecurrenceError, match="aucune date"):
        expand(timed("2026-03-02T10:00", None, rule), *YEAR_2026)
    assert time.perf_counter() - started < 0.5


def test_validate_normalises():
    assert validate_rrule("rrule:freq=weekly;byday=tu,th;") == "FREQ=WEEKLY;BYDAY=TU,TH"
    assert validate_rrule("BYDAY=MO;FREQ=WEEKLY") == "FREQ=WEEKLY;BYDAY=MO"
    assert (
        validate_rrule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", dt.date(2028, 2, 29))
        == "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"
    )


# --- building and describing ---------------------------------------------------------------


def test_build_rrule_from_form_choices():
    assert (
        build_rrule("weekly", byday=["tu", "th"], until=dt.date(2026, 6, 30))
        == "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260630"
    )
    assert build_rrule("MONTHLY", byday=["TU"], bysetpos=2, count=10) == "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;COUNT=10"
    assert build_rrule("MONTHLY", byday=["2TU"]) == "FREQ=MONTHLY;BYDAY=2TU"
    assert build_rrule("MONTHLY", bymonthday=15, interval=2) == "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15"
    assert build_rrule("YEARLY", bymonth=7, bymonthday=14) == "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=14"
    with pytest.raises(RecurrenceError):
        build_rrule("WEEKLY", count=3, until=dt.date(2026, 6, 30))
    with pytest.raises(RecurrenceError):
        build_rrule("SECONDLY")


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260630", "Tous les mardis et jeudis, jusqu’au 30 juin 2026"),
        ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2;COUNT=10", "Le 2e mardi de chaque mois, 10 fois"),
        ("FREQ=MONTHLY;BYDAY=2TU;COUNT=10", "Le 2e mardi de chaque mois, 10 fois"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "Le dernier vendredi de chaque mois"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15", "Les 1er et 15 de chaque mois"),
        ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1", "Le dernier jour tous les 3 mois"),
        ("FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=14", "Tous les ans, le 14 juillet"),
        ("FREQ=YEARLY;BYMONTH=4;BYDAY=1SU", "Tous les ans, le 1er dimanche d’avril"),
        ("FREQ=DAILY;COUNT=1", "Tous les jours, une fois"),
        ("FREQ=DAILY;INTERVAL=3", "Tous les 3 jours"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Du lundi au vendredi"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "Toutes les 2 semaines, le lundi"),
        ("FREQ=WEEKLY;UNTIL=20260601T120000Z", "Toutes les semaines, jusqu’au 1er juin 2026"),
        ("FREQ=YEARLY;BYWEEKNO=20", "Tous les ans (règle personnalisée)"),
        ("FREQ=SECONDLY", "Règle de récurrence invalide"),
    ],
)
def test_describe_rrule_in_french(rule, words):
    assert describe_rrule(rule) == words
