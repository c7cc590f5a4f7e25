"""Limits per account and per anonymous session, never per IP: a group of 40 behind one address
is never refused, an outside link spammer is stopped after at most 10 edits."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func
from sqlalchemy import select

from wiki.moderation.spam_models import IpLogEntry

pytestmark = pytest.mark.sqlite_only  # per-key counts over plain rows; threads share one SQLite file

PARTY_IP = "192.0.2.40"
SPAMMER_IP = "198.51.100.9"


def _token(html: str) -> str:
    return re.findall(r'name="_guard" value="([^"]+)"', html)[0]


def _client(app, ip):
    """A browser of its own (its cookie jar) at address ``ip``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


@pytest.fixture
def open_app(make_app):
    """An open wiki with the default limits (10 saves per anonymous session, 60 new sessions per address)."""
    return make_app(EDIT_POLICY="open")


def _participant(app, n: int) -> list[int]:
    """One workshop participant: opens the editor, writes a page with two links, then improves it three times."""
    client = _client(app, PARTY_IP)
    slug = f"atelier-{n}"
    statuses = []
    html = client.get(f"/pages/{slug}/edit").text
    body = f"Notes du groupe {n} : https://www.redon.fr et https://fr.wikipedia.org/wiki/Redon\n"
    data = {"title": f"Atelier {n}", "body": body, "action": "save", "_guard": _token(html)}
    statuses.append(client.post(f"/pages/{slug}/edit", data=data).status_code)
    for step in range(3):
        html = client.get(f"/pages/{slug}/edit").text
        base = re.search(r'name="base_revision_id" value="(\d+)"', html).group(1)
        body += f"Étape {step} : ajout d’une photo et d’un lien https://exemple{n}.org/{step}\n"
        data = {"body": body, "base_revision_id": base, "action": "save", "_guard": _token(html)}
        statuses.append(client.post(f"/pages/{slug}/edit", data=data).status_code)
    return statuses


def test_forty_people_behind_one_address_are_never_refused(open_app, db):
    # Ten at a time: the test app's connection pool (15) is smaller than a gunicorn deployment's.
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda n: _participant(open_app, n), range(40)))
    statuses = [s for one in results for s in one]
    assert statuses.count(429) == 0 and statuses.count(400) == 0
    assert statuses == [302] * 160
    sessions = db.scalar(select(func.count()).select_from(IpLogEntry).where(IpLogEntry.action == "session"))
    assert sessions == 40


def test_an_outside_link_spammer_is_stopped_after_at_most_ten_edits(open_app):
    # The group is at work at the same time: it changes nothing for either side.
    group = [_client(open_app, PARTY_IP) for _ in range(5)]
    spammer = _client(open_app, SPAMMER_IP)
    accepted = []
    for n in range(30):
        html = spammer.get(f"/pages/promo-{n}/edit").text
        body = f"Achetez ! https://promo{n}.example https://pills{n}.example https://casino{n}.example"
        data = {"title": f"Promo {n}", "body": body, "_guard": _token(html)}
        response = spammer.post(f"/pages/promo-{n}/edit", data=data)
        if response.status_code == 302:
            accepted.append(n)
        else:
            assert response.status_code == 429
            assert "réessayez dans quelques minutes" in response.text and f"promo{n}.example" in response.text
        member = group[n % 5]
        html = member.get(f"/pages/groupe-{n}/edit").text
        ok = member.post(
            f"/pages/groupe-{n}/edit", data={"title": f"Groupe {n}", "body": "Compte rendu.", "_guard": _token(html)}
        )
        assert ok.status_code == 302 or (ok.status_code == 429 and n >= 50)
    assert 0 < len(accepted) <= 10
    # Link farms are refused at once, whatever the budget left.
    farm = _client(open_app, SPAMMER_IP)
    html = farm.get("/pages/ferme/edit").text
    body = " ".join(f"https://farm{n}.example" for n in range(20))
    refused = farm.post("/pages/ferme/edit", data={"title": "Ferme", "body": body, "_guard": _token(html)})
    assert refused.status_code == 400 and "20 liens" in refused.text


def test_a_client_dropping_its_cookie_is_slowed_per_address(make_app):
    app = make_app(EDIT_POLICY="open", NEW_SESSIONS_PER_IP=5)
    statuses = []
    for n in range(8):
        fresh = _client(app, SPAMMER_IP)  # a new cookie jar each time
        statuses.append(fresh.post(f"/pages/p-{n}/edit", data={"title": f"P {n}", "body": "texte"}).status_code)
    assert statuses == [302] * 5 + [429] * 3
    # Another address, and anyone whose session already exists, still write.
    assert _client(app, PARTY_IP).post("/pages/autre/edit", data={"title": "Autre", "body": "x"}).status_code == 302


def test_the_default_session_budget_welcomes_a_party_of_sixty(open_app):
    for n in range(60):
        response = _client(open_app, PARTY_IP).post(f"/pages/n-{n}/edit", data={"title": f"N {n}", "body": "texte"})
        assert response.status_code == 302


def test_a_session_opened_outside_the_guarded_forms_is_counted_all_the_same(make_app, db):
    from tests.factories import make_page
    from tests.factories import make_user
    from wiki.pages import services

    app = make_app(EDIT_POLICY="open", NEW_SESSIONS_PER_IP=1)
    modo = make_user(db, "Modo", role="moderator")
    page = make_page(db, "Lavoir", "Version une.\n", actor=modo)
    current = page.current_revision
    services.save_page(
        db, page, body="Version deux.\n", comment="", actor=modo, base_revision_id=current.id, policy="open"
    )
    db.commit()
    first = _client(app, SPAMMER_IP)
    assert first.post("/pages/lavoir/revert/1").status_code == 302  # an anonymous revert opens a session
    # Its next save is not a new session; another cookie jar at the same address is past the limit.
    html = first.get("/pages/lavoir/edit").text
    base = re.search(r'name="base_revision_id" value="(\d+)"', html).group(1)
    data = {"body": "Version trois.\n", "base_revision_id": base, "_guard": _token(html)}
    assert first.post("/pages/lavoir/edit", data=data).status_code == 302
    assert _client(app, SPAMMER_IP).post("/pages/lavoir/revert/2").status_code == 429
    refused = _client(app, SPAMMER_IP).post("/pages/lavoir/edit", data=data | {"body": "Robot.\n"})
    assert refused.status_code == 429 and "Robot." in refused.text
