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
