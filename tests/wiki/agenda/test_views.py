"""The agenda over HTTP: lists, month grid, event pages, one-date changes and feeds (the events API: tests/wiki/api)."""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo

import icalendar
import recurring_ical_events

from tests.factories import PASSWORD
from tests.factories import make_user
from wiki.agenda import overrides
from wiki.agenda import projection
from wiki.agenda.models import AgendaEvent
from wiki.db import utcnow

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _login(client, name="Camille"):
    assert client.post("/-/connexion", data={"name": name, "password": PASSWORD}).status_code == 302


def _soon(days: int, hour: int = 10) -> str:
    day = utcnow().astimezone(PARIS).date() + dt.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def test_month_grid_is_rendered_on_the_server(client, events):
    events(
        "Wiki-party", {"start": "2026-11-14T10:00", "end": "2026-11-14T12:00", "rrule": "FREQ=WEEKLY;BYDAY=SA;COUNT=3"}
    )
    page = client.get("/agenda/mois/2026-11")
    assert page.status_code == 200 and "<script" not in page.text
    grid = page.text[page.text.index('<table class="month-grid">') :]
    assert "<caption>" in grid and 'scope="col"' in grid
    cells = re.findall(r"<td[^>]*>(.*?)</td>", grid, re.S)
    found = [i for i, cell in enumerate(cells) if "Wiki-party" in cell]
    assert len(found) == 3  # 14, 21 and 28 November: one Saturday column
    assert {i % 7 for i in found} == {5}
    assert "10:00" in cells[found[0]]
    assert client.get("/agenda/mois/2026-13").status_code == 404
    assert client.get("/agenda/mois").status_code == 302


def test_current_month_keeps_the_filters_but_not_url_for_options(client):
    # The query string was passed to url_for whole: ?month=… collided with the month, ?_anchor=… was an option.
    month = utcnow().astimezone(PARIS).strftime("%Y-%m")
    for query in ("month=2020-01", "_anchor=x", "_scheme=https", "_method=GET", "_external=1"):
        response = client.get(f"/agenda/mois?theme=culture&{query}")
        assert response.status_code == 302
        assert response.headers["Location"] == f"/agenda/mois/{month}?theme=culture"


def test_busy_days_of_the_grid_link_to_the_rest(client, events):
    for hour in range(8, 16):
        events(f"Stand {hour}", {"start": f"2026-11-21T{hour:02d}:00", "end": f"2026-11-21T{hour:02d}:30"})
    grid = client.get("/agenda/mois/2026-11").text
    assert "Stand 8" in grid and "Stand 13" in grid and "Stand 14" not in grid
    assert "et 2 autres" in grid and "/agenda?depuis=2026-11-21&amp;quand=jour" in grid
    day = client.get("/agenda?depuis=2026-11-21&quand=jour").text
    assert "Stand 15" in day and "Du samedi 21 novembre 2026 au samedi 21 novembre 2026" in day


def test_upcoming_list_groups_by_day_with_shortcuts_and_filters(client, events):
    events("Marché", {"start": _soon(1, 8)}, themes=["alimentation"])
    events("Concert", {"start": _soon(2, 20)}, themes=["culture"])
    page = client.get("/agenda")
    assert page.status_code == 200
    assert page.text.index("Marché") < page.text.index("Concert")
    assert "Aujourd’hui" in page.text and "Ce week-end" in page.text and 'class="day-title"' in page.text
    filtered = client.get("/agenda?theme=culture")
    assert "Concert" in filtered.text and "Marché</bdi>" not in filtered.text
    assert (
        "/agenda.ics?theme=culture" in filtered.text and "webcal://wiki.test/agenda.ics?theme=culture" in filtered.text
    )
    assert client.get("/agenda?quand=aujourdhui").status_code == 200
    assert "Marché" not in client.get("/agenda?depuis=2000-01-01").text


def test_archives_list_past_events(client, events):
    events("Vieux marché", {"start": _soon(-40, 8)})
    page = client.get("/agenda/archives")
    if utcnow().astimezone(PARIS).timetuple().tm_yday > 41:
        assert "Vieux marché" in page.text
    assert "Vieux marché" not in client.get("/agenda").text


def test_event_page_has_json_ld_and_an_ics_link(client, events):
    record = events("Ciné-débat", {"start": _soon(3, 20)}, adresse="Cinéma Manivel, Redon", organisateur="Cinéma Manivel",
                    description="Un film </script><b>puis</b> un débat.")  # fmt: skip
    page = client.get(f"/agenda/evenements/{record.id}")
    assert page.status_code == 200
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Event" and data["name"] == "Ciné-débat"
    assert data["location"]["address"] == "Cinéma Manivel, Redon" and data["organizer"]["name"] == "Cinéma Manivel"
    assert data["startDate"].startswith(_soon(3, 20))
    assert f"/agenda/evenements/{record.id}.ics" in page.text and "Ajouter à mon agenda" in page.text
    ics = client.get(f"/agenda/evenements/{record.id}.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    (vevent,) = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Ciné-débat"


def test_private_events_never_leak(client, db, events):
    camille = events.contributor
    draft = events("Réunion privée", {"start": _soon(2)}, status="draft", actor=camille)
    for url in (
        "/agenda",
        "/agenda.ics",
        "/donnees/evenement.ics",
        "/api/v1/events",
        f"/agenda/evenements/{draft.id}.ics",
    ):
        assert "Réunion privée" not in client.get(url).text
    assert client.get(f"/agenda/evenements/{draft.id}").status_code == 404


def test_feed_round_trips_to_exactly_our_occurrences(client, db, events):
    record = events("Conseil", {"start": "2026-10-13T20:00", "end": "2026-10-13T22:00", "rrule": "FREQ=MONTHLY;BYDAY=2TU;COUNT=8",
                                "exdates": ["2026-12-08"]})  # fmt: skip
    events(
        "Marché",
        {"start": "2026-10-19T08:00", "end": "2026-10-19T13:00", "rrule": "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261130"},
    )
    events("Fête", {"start": "2026-10-24", "end": "2026-10-25", "all_day": True})
    events("Nuit du changement d'heure", {"start": "2026-10-24T23:00", "end": "2026-10-25T04:00"})
    called_off = events("Concert", {"start": "2026-11-07T20:30"})
    overrides.cancel_occurrence(db, called_off, db.get(AgendaEvent, called_off.id), "2026-11-07T20:30", actor=events.author,
                             policy="account")  # fmt: skip
    event = db.get(AgendaEvent, record.id)
    overrides.change_occurrence(db, record, event, "2027-01-12T20:00", {"start": "2027-01-14T18:00"}, actor=events.author,
                             policy="account")  # fmt: skip
    overrides.cancel_occurrence(db, record, event, "2027-02-09T20:00", actor=events.author, policy="account")
    db.commit()
    feed = client.get("/agenda.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(feed.data)
    assert calendar.walk("VTIMEZONE") and all(v.get("DTSTAMP") and v.get("UID") for v in calendar.walk("VEVENT"))
    masters = [v for v in calendar.walk("VEVENT") if "RECURRENCE-ID" not in v]
    assert len(masters) == 5 and sum("RRULE" in v for v in masters) == 2  # rules kept, not exploded
    start, end = dt.datetime(2026, 10, 1, tzinfo=PARIS), dt.datetime(2027, 7, 1, tzinfo=PARIS)
    found = recurring_ical_events.of(calendar).between(start, end)
    theirs = sorted((str(v["UID"]), v["DTSTART"].dt.isoformat()) for v in found if str(v["STATUS"]) == "CONFIRMED")
    api = client.get("/api/v1/events?start=2026-10-01&end=2027-07-01&limit=200").json
    ours = sorted((e["uid"], e["start"]) for e in api["items"] if e["status"] == "CONFIRMED")
    assert theirs == ours
    assert len(ours) == 6 + 7 + 1 + 1  # council (8 - exdate - cancelled), 7 Mondays, the fête, the night
    assert {e["start"] for e in api["items"] if e["status"] == "CANCELLED"} == {"2027-02-09T20:00:00+01:00",
                                                                               "2026-11-07T20:30:00+01:00"}  # fmt: skip
    # The cancelled council date is an override with STATUS:CANCELLED, kept out of the series by its EXDATE too;
    # the cancelled concert is a VEVENT with STATUS:CANCELLED, which calendar clients read as such.
    assert [v["DTSTART"].dt.isoformat() for v in found if str(v["STATUS"]) == "CANCELLED"] == [
        "2026-11-07T20:30:00+01:00"
    ]
    (council,) = [v for v in calendar.walk("VEVENT") if "RECURRENCE-ID" in v and str(v["STATUS"]) == "CANCELLED"]
    assert council["RECURRENCE-ID"].dt.isoformat() == "2027-02-09T20:00:00+01:00" and str(council["UID"]) == event.uid


def test_feed_is_filtered_cached_and_changes_with_the_events(client, db, events):
    record = events("Concert", {"start": _soon(5, 20)}, themes=["culture"])
    events("Marché", {"start": _soon(6, 8)}, themes=["alimentation"])
    only_culture = icalendar.Calendar.from_ical(client.get("/agenda.ics?theme=culture").data)
    assert [str(v["SUMMARY"]) for v in only_culture.walk("VEVENT")] == ["Concert"]
    first = client.get("/donnees/evenement.ics").data
    assert client.get("/donnees/evenement.ics").data == first
    from wiki.records import access
    from wiki.records import services as records

    records.update_record(db, record, {**access.public_values(record, events.author), "horaire": {"start": _soon(7, 20), "timezone": "Europe/Paris"}},
                          actor=events.author, policy="account", base_revision=None)  # fmt: skip
    db.commit()
    changed = client.get("/donnees/evenement.ics").data
    assert changed != first and b"SEQUENCE:1" in changed
    assert client.get("/donnees/initiative.ics").status_code == 404
    assert client.get("/donnees/inconnu.ics").status_code == 404


def test_b5_42_hostile_title_through_the_form_stays_one_summary(client, events):
    _login(client)
    title = "Réunion\r\nATTENDEE:mailto:x@evil\r\nBEGIN:VALARM;x,y\\z"
    response = client.post(
        "/annuaire/evenement/nouvelle",
        data={"title": title, "horaire_start": _soon(4, 18), "horaire_timezone": "Europe/Paris"},
    )
    assert response.status_code == 302
    (vevent,) = icalendar.Calendar.from_ical(client.get("/agenda.ics").data).walk("VEVENT")
    assert "ATTENDEE" not in vevent and not vevent.walk("VALARM")
    assert "BEGIN:VALARM" in str(vevent["SUMMARY"]) and ";x,y\\z" in str(vevent["SUMMARY"])


def test_the_event_form_builds_a_weekly_rule_without_javascript(client, db, events):
    _login(client)
    page = client.get("/annuaire/evenement/nouvelle")
    assert 'name="horaire_freq"' in page.text and 'name="horaire_byday"' in page.text
    response = client.post("/annuaire/evenement/nouvelle", data={
        "title": "Atelier couture", "horaire_start": "2026-11-03T14:00", "horaire_end": "2026-11-03T16:00",
        "horaire_timezone": "Europe/Paris", "horaire_freq": "WEEKLY", "horaire_byday": ["TU", "TH"],
        "horaire_until": "17/12/2026", "horaire_exdates": "05/11/2026"})  # fmt: skip
    assert response.status_code == 302
    record_id = int(response.location.rstrip("/").split("/")[-1])
    assert db.get(AgendaEvent, record_id).recurring
    db.rollback()  # end the read: the next requests write
    edit = client.get(f"/fiches/{record_id}/modifier").text
    assert re.search(r'value="TU"\s+checked', edit) and 'value="2026-12-17"' in edit and "05/11/2026" in edit
    event_page = client.get(f"/agenda/evenements/{record_id}").text
    assert "Tous les mardis et jeudis, jusqu’au 17 décembre 2026" in event_page
    monthly = client.post("/annuaire/evenement/nouvelle", data={
        "title": "Conseil", "horaire_start": "2026-11-10T20:00", "horaire_timezone": "Europe/Paris",
        "horaire_freq": "MONTHLY", "horaire_monthly": "weekday", "horaire_count": "5"})  # fmt: skip
    shown = client.get(f"/agenda/evenements/{monthly.location.rstrip('/').split('/')[-1]}").text
    assert "Le 2e mardi de chaque mois, 5 fois" in shown


def test_refused_recurrence_keeps_what_was_typed(client, events):
    _login(client)
    response = client.post("/annuaire/evenement/nouvelle", data={
        "title": "Bombe", "description": "Mon long texte", "horaire_start": "2026-11-03T14:00",
        "horaire_timezone": "Europe/Paris", "horaire_rrule": "FREQ=SECONDLY"})  # fmt: skip
    assert response.status_code == 400
    assert (
        "trop fréquente" in response.text
        and 'value="FREQ=SECONDLY"' in response.text
        and "Mon long texte" in response.text
    )
    response = client.post("/annuaire/evenement/nouvelle", data={
        "title": "Jamais", "horaire_start": "2026-11-03T14:00", "horaire_timezone": "Europe/Paris",
        "horaire_rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"})  # fmt: skip
    assert response.status_code == 400 and "aucune date" in response.text
    response = client.post("/annuaire/evenement/nouvelle", data={
        "title": "Fin avant", "horaire_start": "2026-11-03T14:00", "horaire_timezone": "Europe/Paris",
        "horaire_freq": "WEEKLY", "horaire_until": "01/10/2026"})  # fmt: skip
    assert response.status_code == 400 and "finir après" in response.text and 'value="01/10/2026"' in response.text


def test_edit_or_cancel_one_date_through_the_pages(client, db, events):
    record = events(
        "Repair café",
        {"start": "2026-11-07T14:00", "end": "2026-11-07T17:00", "rrule": "FREQ=MONTHLY;BYDAY=1SA;COUNT=6"},
    )
    url = f"/agenda/evenements/{record.id}/occurrences/2026-12-05T14:00"
    assert "/-/connexion" in client.get(url).location
    _login(client)
    page = client.get(url)
    assert page.status_code == 200 and "Annuler cette date" in page.text
    refused = client.post(url, data={"action": "modifier", "start": "32/12/2026 10:00", "title": "Spécial Noël"})
    assert (
        refused.status_code == 400 and 'value="Spécial Noël"' in refused.text and 'aria-invalid="true"' in refused.text
    )
    assert (
        client.post(url, data={"action": "modifier", "start": "2026-12-12T14:00", "title": "Spécial Noël"}).status_code
        == 302
    )
    assert (
        client.post(
            f"/agenda/evenements/{record.id}/occurrences/2027-01-02T14:00", data={"action": "annuler"}
        ).status_code
        == 302
    )
    assert client.get(f"/agenda/evenements/{record.id}/occurrences/2027-01-03T14:00").status_code == 404
    calendar = icalendar.Calendar.from_ical(client.get(f"/agenda/evenements/{record.id}.ics").data)
    master, moved, cancelled = calendar.walk("VEVENT")
    assert [d.dt for d in master["EXDATE"].dts] == [dt.datetime(2027, 1, 2, 14, tzinfo=PARIS)]
    assert (
        cancelled["RECURRENCE-ID"].dt == dt.datetime(2027, 1, 2, 14, tzinfo=PARIS)
        and str(cancelled["STATUS"]) == "CANCELLED"
    )
    assert moved["RECURRENCE-ID"].dt == dt.datetime(2026, 12, 5, 14, tzinfo=PARIS)
    assert str(moved["SUMMARY"]) == "Spécial Noël" and moved["DTSTART"].dt == dt.datetime(
        2026, 12, 12, 14, tzinfo=PARIS
    )
    assert int(master["SEQUENCE"]) == 2
    grid = client.get("/agenda/mois/2027-01").text
    assert "Annulé" in grid


def test_agenda_macro_embeds_the_next_events(client, db, events):
    from tests.factories import make_page

    events("Concert", {"start": _soon(3, 20)}, themes=["culture"], commune="35236")
    events("Marché", {"start": _soon(4, 8)}, themes=["alimentation"], commune="35236")
    make_page(db, "Sortir", '{{agenda theme="Culture" zone="35236" nombre="5"}}\n\n{{agenda nombre="abc"}}\n')
    db.commit()
    page = client.get("/pages/sortir").text
    section = page[page.index("macro-agenda") :]
    assert "Concert" in section and "Marché" not in section.split("</section>")[0]
    assert "nombre doit être un entier" in page


def test_nav_links_to_the_agenda(client, events):
    assert 'href="/agenda"' in client.get("/agenda").text


def test_moderators_only_import(client, db, events):
    _login(client)
    assert client.get("/agenda/importer").status_code == 403
    make_user(db, "Modo", role="moderator")
    db.commit()
    client.post("/-/deconnexion")
    _login(client, "Modo")
    assert client.get("/agenda/importer").status_code == 200


def test_hostile_titles_stay_text_on_every_agenda_page(client, events):
    title = "</script><script>alert(1)</script><img src=x onerror=alert(1)>"
    record = events(title, {"start": _soon(2, 18)}, organisateur='"><svg onload=alert(1)>', adresse="<b>rue</b>")
    for url in ("/agenda", f"/agenda/mois/{_soon(2)[:7]}", f"/agenda/evenements/{record.id}", "/agenda/archives"):
        text = client.get(url).text
        assert "<script>alert(1)" not in text and "<img src=x" not in text and "<svg onload" not in text, url
    page = client.get(f"/agenda/evenements/{record.id}").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(block)["name"] == title


def test_an_edit_through_the_form_keeps_the_extra_dates(client, db, events):
    from tests.wiki.records.test_admin import form_data

    record = events("Vide-grenier", {"start": "2026-09-06T08:00", "end": "2026-09-06T18:00",
                                     "rdates": ["2026-09-13T08:00", "2026-09-20T09:00/2026-09-20T12:00"]})  # fmt: skip
    _login(client)
    action = f"/fiches/{record.id}/modifier"
    data = form_data(client.get(action).text, action)
    assert data["horaire_rdates"] == "2026-09-13T08:00 2026-09-20T09:00/2026-09-20T12:00"
    data["title"] = "Vide-greniers"
    db.rollback()  # end the read: the next requests write
    assert client.post(action, data=data).status_code == 302
    db.expire_all()
    assert projection.event_schedule(record)["rdates"] == ["2026-09-13T08:00", "2026-09-20T09:00/2026-09-20T12:00"]
    page = client.get(f"/agenda/evenements/{record.id}").text
    assert (
        "Vide-greniers" in page
        and "dates supplémentaires" in page
        and "dimanche 20 septembre 2026, 09:00–12:00" in page
    )
