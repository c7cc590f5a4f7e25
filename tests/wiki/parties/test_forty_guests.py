"""Forty guests of one party behind one address, editing for the party's duration: not one refusal.

The newcomer limit is lowered to 3 saves per window so that the party's own
limit is what lets them through: a newcomer account outside the party, at the
same address, is stopped at its fourth save.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func
from sqlalchemy import select

from tests.factories import PASSWORD
from tests.factories import make_user
from tests.wiki.parties.conftest import guard
from tests.wiki.parties.conftest import join
from tests.wiki.parties.conftest import open_now
from wiki.db import Database
from wiki.parties.models import PartyGuest
from wiki.records.models import Record
from wiki.records.seeding import seed_builtin

pytestmark = pytest.mark.sqlite_only  # per-account counts over plain rows; threads share one SQLite file

VENUE_IP = "192.0.2.40"
SAVES = 5


def _client(app):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = VENUE_IP
    return client


def _saves(client, n: int, who: str) -> list[int]:
    statuses = []
    for step in range(SAVES):
        html = client.get("/annuaire/lieu/nouvelle").text
        data = {"title": f"Lieu {who} {n}-{step}", "localisation": f"47.6{n:02d}, -2.0{step}", "_guard": guard(html)}
        statuses.append(client.post("/annuaire/lieu/nouvelle", data=data).status_code)
    return statuses


def _guest(app, code: str, n: int) -> list[int]:
    client = _client(app)
    joined = join(client, code, f"Invité {n}").status_code
    return [joined, *_saves(client, n, "invité")]


def test_forty_guests_behind_one_address_get_no_refusal(make_app):
    app = make_app(RATE_LIMIT_NEWCOMER=3)
    session = Database.new_session(app)
    organiser = make_user(session, "Mentor", role="moderator")
    make_user(session, "Voisin")
    seed_builtin(session, organiser)
    session.commit()
    code = open_now(session, organiser).code
    session.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda n: _guest(app, code, n), range(40)))
    statuses = [s for one in results for s in one]
    assert statuses.count(302) == 40 * (1 + SAVES), sorted(set(statuses))

    session = Database.new_session(app)
    assert session.scalar(select(func.count()).select_from(PartyGuest)) == 40
    assert session.scalar(select(func.count()).select_from(Record)) == 40 * SAVES
    session.close()

    neighbour = _client(app)  # a newcomer who is not a guest keeps the newcomer limit
    neighbour.post("/-/connexion", data={"name": "Voisin", "password": PASSWORD})
    assert _saves(neighbour, 99, "voisin") == [302, 302, 302, 429, 429]
