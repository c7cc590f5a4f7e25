"""VTIMEZONE components agree with zoneinfo, in the form calendar clients expect."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from wiki.exports.vtimezone import zone_to_vtimezone

UTC = dt.UTC


@pytest.mark.parametrize(
    "zone", ["Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Tokyo", "America/Sao_Paulo"]
)
def test_vtimezone_agrees_with_zoneinfo_now_and_later(zone):
    component = zone_to_vtimezone(zone, 2015, 2026)
    tz = component.to_tz()
    for year in (2015, 2019, 2026, 2031):
        for month in range(1, 13):
            for day in (1, 15, 28):
                moment = dt.datetime(year, month, day, 12, tzinfo=UTC)
                assert moment.astimezone(tz).utcoffset() == moment.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset(), (
                    moment
                )


def test_vtimezone_onsets_are_local_times_before_the_change():
    component = zone_to_vtimezone("Europe/Paris", 2026, 2026)
    onsets = {c.name: c["DTSTART"].dt for c in component.subcomponents if "RRULE" in c}
    assert onsets == {"DAYLIGHT": dt.datetime(2026, 3, 29, 2, 0), "STANDARD": dt.datetime(2026, 10, 25, 3, 0)}
