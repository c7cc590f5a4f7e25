"""Where and why an .ics file cannot be read, in French: the line, the property, the value."""

from __future__ import annotations

import pytest

from importers.ical_errors import broken_line
from importers.ical_errors import french_reason
from importers.ical_errors import logical_lines
from importers.ical_errors import property_error

HEAD = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:fete@redon\r\n"
TAIL = "END:VEVENT\r\nEND:VCALENDAR\r\n"


def test_folded_lines_keep_the_number_of_the_line_they_start_on():
    text = "BEGIN:VCALENDAR\r\nDESCRIPTION:Une longue\r\n  description\r\nSUMMARY:Fête\r\n"
    assert logical_lines(text) == [
        (1, "BEGIN:VCALENDAR"),
        (2, "DESCRIPTION:Une longue description"),
        (4, "SUMMARY:Fête"),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("DTSTART;X:20260502T140000", "ligne 5 : paramètre mal formé dans la propriété DTSTART : attendu NOM=valeur"),
        ("SUMMARY", "ligne 5 : « SUMMARY » n'a pas de « : » entre le nom de la propriété et sa valeur"),
        (":Fête", "ligne 5 : la ligne commence par « : », sans nom de propriété"),
        ('ATTENDEE;CN="Anne:mailto:anne@example.org', "ligne 5 : paramètre mal formé dans la propriété ATTENDEE"),
    ],
)
def test_a_line_that_cannot_be_cut_is_named_with_its_number(line, expected):
    message = broken_line(HEAD + line + "\r\n" + TAIL)
    assert message is not None and message.startswith(expected)
    assert "unpack" not in message and "Content line" not in message


def test_a_readable_file_has_no_broken_line():
    assert broken_line(HEAD + "DTSTART:20260502T140000Z\r\nSUMMARY:Fête\r\n" + TAIL) is None


def test_a_broken_value_names_its_line_property_and_what_was_expected():
    text = HEAD + "DTSTART:20260502T140000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEXDATE:2026\r\n" + TAIL
    reason = "Cannot access 'dts' on broken property 'EXDATE' (expected 'vDDDLists'): Expected datetime, date, or time. Got: '2026'."
    assert property_error(text, "EXDATE", reason) == (
        "ligne 7, propriété EXDATE : date ou heure illisible (« 2026 ») : "
        "attendu AAAAMMJJ (ex. 20260502) ou AAAAMMJJTHHMMSS (ex. 20260502T140000)"
    )


def test_reasons_are_french_whatever_the_library_says():
    assert french_reason("Invalid iCalendar duration: PXX", "PXX").startswith("durée illisible (« PXX »)")
    assert french_reason("Expected 'float;float' , got: 47.6").startswith("position (GEO) illisible")
    assert french_reason("something new in a future release") == "valeur illisible"
