"""OpenAgenda timings as one agenda event: plain, weekly and daily series, moved dates, merged sessions."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest

from importers.openagenda_timings import TimingsRefused
from importers.openagenda_timings import plan_timings
from tests.shared import DATA
from wiki.agenda.recurrence import expand

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def timings(*spans: tuple[str, str | None]) -> list[dict]:
    return [{"begin": begin, "end": end} for begin, end in spans]


def dates(plan) -> list[tuple[str, str | None]]:
    """Start and end of every occurrence the agenda will show, in Paris wall time."""
    found = expand(plan.schedule, dt.datetime(2020, 1, 1, tzinfo=PARIS), dt.datetime(2021, 12, 31, tzinfo=PARIS),
                   overrides=plan.overrides)  # fmt: skip
    return [(o.start.strftime("%m-%d %H:%M"), o.end and o.end.strftime("%H:%M")) for o in found]


def test_the_shared_sample_sessions_that_touch_are_one_afternoon():
    event = json.loads((DATA / "opendata-fr/openagenda-json/events_event.json").read_text())["event"]
    plan = plan_timings(event["timings"], "Europe/Paris")
    assert plan.schedule == {"start": "2025-01-06T11:00", "end": "2025-01-06T18:00", "all_day": False,
                             "timezone": "Europe/Paris"}  # fmt: skip
    assert plan.overrides == {} and plan.keys == ["2025-01-06T11:00"] and "fusionnés" in plan.warnings[0]


def test_the_same_evening_every_week_is_a_weekly_rule_across_daylight_saving():
    weekly = timings(*((f"2020-03-{d:02d}T18:00:00+01:00", f"2020-03-{d:02d}T20:00:00+01:00") for d in (17, 24)),
                     ("2020-03-31T16:00:00Z", "2020-03-31T18:00:00Z"), ("2020-04-07T18:00:00+02:00", "2020-04-07T20:00:00+02:00"))  # fmt: skip
    plan = plan_timings(weekly, "Europe/Paris")
    assert plan.schedule["rrule"] == "FREQ=WEEKLY;COUNT=4" and "exdates" not in plan.schedule
    assert plan.overrides == {} and dates(plan) == [
        (f"{d} 18:00", "20:00") for d in ("03-17", "03-24", "03-31", "04-07")
    ]


def test_a_missing_week_is_excluded_and_an_other_hour_is_a_moved_date():
    series = timings(("2020-05-05T18:00:00+02:00", "2020-05-05T20:00:00+02:00"),
                     ("2020-05-12T18:00:00+02:00", "2020-05-12T20:00:00+02:00"),
                     ("2020-05-26T17:00:00+02:00", "2020-05-26T20:00:00+02:00"))  # fmt: skip
    plan = plan_timings(series, "Europe/Paris")
    assert plan.schedule["rrule"] == "FREQ=WEEKLY;COUNT=4" and plan.schedule["exdates"] == ["2020-05-19T18:00"]
    assert plan.overrides == {"2020-05-26T18:00": {"start": "2020-05-26T17:00", "end": "2020-05-26T20:00"}}
    assert dates(plan) == [("05-05 18:00", "20:00"), ("05-12 18:00", "20:00"), ("05-26 17:00", "20:00")]


def test_every_other_day_is_a_daily_rule_with_an_interval():
    plan = plan_timings(timings(*((f"2020-06-0{d}T10:00:00+02:00", None) for d in (1, 3, 5))), "Europe/Paris")
    assert plan.schedule["rrule"] == "FREQ=DAILY;COUNT=3;INTERVAL=2" and plan.schedule["end"] is None
    assert [start for start, _ in dates(plan)] == ["06-01 10:00", "06-03 10:00", "06-05 10:00"]


def test_two_sessions_the_same_day_are_moved_occurrences_of_a_daily_rule():
    sessions = timings(("2020-09-19T10:00:00+02:00", "2020-09-19T12:00:00+02:00"),
                       ("2020-09-19T14:00:00+02:00", "2020-09-19T16:00:00+02:00"),
                       ("2020-09-20T10:00:00+02:00", "2020-09-20T12:00:00+02:00"))  # fmt: skip
    plan = plan_timings(sessions, "Europe/Paris")
    assert plan.schedule["rrule"] == "FREQ=DAILY;COUNT=3" and len(plan.keys) == 3
    assert dates(plan) == [("09-19 10:00", "12:00"), ("09-19 14:00", "16:00"), ("09-20 10:00", "12:00")]


def test_unreadable_timings_are_warned_and_none_at_all_refused():
    plan = plan_timings([{"begin": "demain"}, {"start": "2020-01-10T09:00:00.000Z", "end": "x"}], "Europe/Paris")
    assert plan.schedule["start"] == "2020-01-10T10:00" and plan.schedule["end"] is None
    assert plan.warnings == ["1 date(s) illisible(s) ignorée(s)."]
    for nothing in (None, [], [{"begin": 3}], "2020-01-01"):
        with pytest.raises(TimingsRefused, match="Aucune date lisible"):
            plan_timings(nothing, "Europe/Paris")


def test_too_many_irregular_dates_are_refused():
    many = timings(*((f"2020-01-01T{h:02d}:{m:02d}:00+01:00", None) for h in range(24) for m in range(0, 60, 2)))
    with pytest.raises(TimingsRefused, match="Trop de dates irrégulières \\(720\\)"):
        plan_timings(many, "Europe/Paris")
