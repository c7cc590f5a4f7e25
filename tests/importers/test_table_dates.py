"""French dates, times and schedules in spreadsheet cells, with the real date columns of the shared samples."""

from __future__ import annotations

import pytest

from importers.table_dates import parse_date
from importers.table_dates import parse_datetime
from importers.table_dates import parse_schedule
from importers.table_dates import schedule_from_parts
from importers.table_read import table_from_bytes
from tests.shared import DATA
from wiki.records.values import FieldError

CSV_FR = DATA / "csv-fr"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("15/06/2021", "2021-06-15"),
        ("5/6/2021", "2021-06-05"),
        ("15-06-2021", "2021-06-15"),
        ("15.06.2021", "2021-06-15"),
        ("2021-06-15", "2021-06-15"),
        ("15 juin 2021", "2021-06-15"),
        ("lundi 1er mars 2021", "2021-03-01"),
        ("15 Août 2021", "2021-08-15"),
        ("3 févr. 2022", "2022-02-03"),
        ("2021-06-15 00:00:00", "2021-06-15"),
    ],
)
def test_french_dates(text, iso):
    assert parse_date(text) == (iso, [])


def test_date_guesses_are_warned():
    assert parse_date("15/06/21") == ("2021-06-15", ["année à deux chiffres « 21 » lue comme 2021."])
    assert parse_date("15/06/85")[0] == "1985-06-15"
    day, warnings = parse_date("2019-07-02T13:50:31.000Z")
    assert day == "2019-07-02" and "heure" in warnings[0]
    assert parse_date("0001-01-01") == (
        None,
        ["date « 0001-01-01 » lue comme vide (valeur « sans date » des registres)."],
    )


@pytest.mark.parametrize("text", ["31/02/2021", "hier", "2021-13-01", "15 brumaire 2021", "12/2021"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(FieldError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("15/06/2021 14h30", "2021-06-15T14:30"),
        ("15/06/2021 à 14:30", "2021-06-15T14:30"),
        ("15 juin 2021 à 9 h", "2021-06-15T09:00"),
        ("2021-06-15T14:30:00+02:00", "2021-06-15T14:30+02:00"),
        ("2022-10-18T12:35:49+0000", "2022-10-18T12:35:49+0000"),
        ("1999-12-31T23:59:59Z", "1999-12-31T23:59:59Z"),
        ("Mon, 15 Jun 2021 14:30:00 +0200", "2021-06-15T14:30:00+02:00"),
    ],
)
def test_dates_and_times(text, iso):
    assert parse_datetime(text) == (iso, [])


def test_a_date_without_time_is_no_datetime():
    with pytest.raises(FieldError, match="Date et heure"):
        parse_datetime("15/06/2021")
    with pytest.raises(FieldError, match="Heure impossible"):
        parse_datetime("15/06/2021 25h")


def test_every_date_of_the_shared_dates_sample():
    table = table_from_bytes((CSV_FR / "csv-detective/dates.csv").read_bytes())
    for row in table.rows():
        day = parse_date(row.cells[0])[0]
        assert parse_datetime(row.cells[1])[0].startswith(day)
        assert parse_datetime(row.cells[2])[0][:10] == day
        assert parse_datetime(row.cells[3])[0][:10] == day  # RFC 822, with EST, PDT or GMT zones


@pytest.mark.parametrize(
    ("text", "schedule"),
    [
        ("15/06/2021", {"start": "2021-06-15", "all_day": True}),
        ("15/06/2021 14h30", {"start": "2021-06-15T14:30", "all_day": False}),
        ("du 15/06 au 17/06/2021", {"start": "2021-06-15", "end": "2021-06-17", "all_day": True}),
        ("15/06/2021 - 17/06/2021", {"start": "2021-06-15", "end": "2021-06-17", "all_day": True}),
        ("du 1er au 3 mai 2026", {"start": "2026-05-01", "end": "2026-05-03", "all_day": True}),
        ("du samedi 30 avril au lundi 2 mai 2022", {"start": "2022-04-30", "end": "2022-05-02", "all_day": True}),
        ("15/06/2021 14h-16h", {"start": "2021-06-15T14:00", "end": "2021-06-15T16:00", "all_day": False}),
        ("samedi 16 septembre 2017 - 10h00 à 11h00",
         {"start": "2017-09-16T10:00", "end": "2017-09-16T11:00", "all_day": False}),
        ("2021-06-15T10:00/2021-06-15T12:00", {"start": "2021-06-15T10:00", "end": "2021-06-15T12:00", "all_day": False}),
    ],
)  # fmt: skip
def test_schedules(text, schedule):
    assert parse_schedule(text) == (schedule, [])


def test_the_openagenda_timings_of_the_jep_sample_keep_the_first_and_say_the_others():
    table = table_from_bytes((CSV_FR / "data-fair/jep-2019.csv").read_bytes())
    column = table.header.index("Horaires ISO")
    first = next(table.rows()).cells[column]
    schedule, warnings = parse_schedule(first)
    assert schedule == {"start": "2017-09-16T10:00+02:00", "end": "2017-09-16T11:00+02:00", "all_day": False}
    assert warnings[0].startswith("2 autre(s) horaire(s) non importé(s)")
    read = [parse_schedule(row.cells[column]) for row in table.rows() if row.cells[column]]
    assert len(read) == 34 and all(s["start"] < s["end"] for s, _ in read)


def test_schedules_from_two_columns():
    assert schedule_from_parts("15/06/2021", "16/06/2021") == {"start": "2021-06-15", "end": "2021-06-16",
                                                               "all_day": True}  # fmt: skip
    assert schedule_from_parts("15/06/2021 10h", "")["end"] is None
    assert schedule_from_parts("", "") is None
    for start, end, message in (("", "16/06/2021", "la fin est donnée"), ("15/06/2021 10h", "16/06/2021", "l'heure"),
                                ("bientôt", "", "Horaire illisible")):  # fmt: skip
        with pytest.raises(FieldError, match=message):
            schedule_from_parts(start, end)
