"""``/api/v1/events``: the shape of an occurrence and the refused ranges."""

from __future__ import annotations


def test_events_api_shape_and_errors(client, events):
    record = events(
        "Fête", {"start": "2026-10-24", "end": "2026-10-25", "all_day": True}, organisateur="Comité des fêtes"
    )
    body = client.get("/api/v1/events?start=2026-10-01&end=2026-11-01&organisateur=Comité des fêtes").json
    (item,) = body["items"]
    assert item == {**item, "record_id": record.id, "title": "Fête", "start": "2026-10-24", "end": "2026-10-25", "all_day": True,
                    "timezone": "Europe/Paris", "status": "CONFIRMED", "organiser": "Comité des fêtes"}  # fmt: skip
    assert item["url"].endswith(f"/agenda/evenements/{record.id}") and item["ics_url"].endswith(".ics")
    for bad in ("start=demain", "start=2026-01-01&end=2029-01-01", "start=2026-02-01&end=2026-01-01"):
        response = client.get(f"/api/v1/events?{bad}")
        assert response.status_code == 400 and response.json["error"] and response.json["message"]


def test_extra_dates_are_occurrences_of_the_api(client, events):
    events("Braderie", {"start": "2026-10-04", "all_day": True, "rdates": ["2026-10-11", "2026-10-18"]})
    body = client.get("/api/v1/events?start=2026-10-01&end=2026-11-01").json
    assert [(i["start"], i["end"], i["recurrence_id"], i["recurring"]) for i in body["items"]] == [
        ("2026-10-04", "2026-10-04", "2026-10-04", True), ("2026-10-11", "2026-10-11", "2026-10-11", True),
        ("2026-10-18", "2026-10-18", "2026-10-18", True)]  # fmt: skip
