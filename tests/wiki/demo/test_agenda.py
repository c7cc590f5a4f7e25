"""The demo agenda: alive relative to today, recurring, with a moved and a cancelled sitting, idempotent."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from wiki.agenda import occurrences
from wiki.demo import demo_author
from wiki.demo import seed
from wiki.demo.agenda import load_demo_agenda

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_demo_agenda_is_alive_recurring_and_loaded_once(client, db):
    seed(db)
    author = demo_author(db)
    today = dt.datetime.now(PARIS).date()
    assert load_demo_agenda(db, author, today=today) == 6
    assert load_demo_agenda(db, author, today=today) == 0
    db.commit()
    start = dt.datetime.combine(today, dt.time(), tzinfo=PARIS)
    items = occurrences.occurrences(db, start, start + dt.timedelta(days=120))
    titles = {i.title for i in items}
    assert {"Marché de Redon", "Repair café", "Conseil municipal de Redon", "Wiki-party du Pays de Redon"} <= titles
    markets = [i for i in items if i.title == "Marché de Redon"]
    assert len(markets) >= 16 and all(i.start.weekday() == 0 and i.start.hour == 8 for i in markets)
    council = [i for i in items if i.title == "Conseil municipal de Redon"]
    assert any(i.cancelled for i in council) and any(i.moved and i.location == "Salle du Parc, Redon" for i in council)
    assert all(i.organiser for i in items)  # organisations, never people
    home = client.get("/agenda")
    assert "Marché de Redon" in home.text
