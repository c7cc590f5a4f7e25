"""Two app nodes on one PostgreSQL database, behind nginx (issue 17, "Operations"; README « Plusieurs nœuds »).

Two real ``lieudit run`` processes (gunicorn, two workers each), each with its
own instance folder, share the database, PostgreSQL full-text search, one
uploads folder and one ``SECRET_KEY``; nginx balances them round robin, so a
user's consecutive requests land on different nodes. 50 editors save pages
through nginx at once; then a save through one node must be seen through the
other directly, at once: its anonymous page (which the other had kept), its
search results, its attached file, and a logout.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter

import pytest
import requests
from PIL import Image
from sqlalchemy import select

from tests.conftest import base_config
from tests.factories import PASSWORD
from tests.support import editors as E
from tests.support.nodes import Cluster
from tests.support.nodes import find_nginx
from tests.support.nodes import initialise
from tests.support.nodes import start_cluster
from wiki import create_app
from wiki.db import Database
from wiki.pages.models import Page
from wiki.pages.models import PageRevision
from wiki.search import outbox

pytestmark = pytest.mark.postgres

EDITORS = 50
SAVES = 3
SHARED = ["commun-1", "commun-2", "commun-3"]


@pytest.fixture(scope="module")
def seeded(postgres_server, postgres_databases, tmp_path_factory):
    """One database, initialised once by ``lieudit init``, with 50 accounts and the shared pages."""
    name = postgres_databases.acquire()
    url = postgres_server.url(name)
    folder = tmp_path_factory.mktemp("two-nodes")
    initialise(url, folder)
    app = create_app(base_config(folder / "instance") | {"DATABASE_URL": url, "SEARCH_BACKEND": "postgres"})
    db = Database.new_session(app)
    E.seed(db, EDITORS, SHARED)
    db.commit()
    yield app, db, url, folder
    db.close()
    Database.engine(app).dispose()
    postgres_databases.release(name)


@pytest.fixture(scope="module")
def cluster(seeded):
    """Two nodes and nginx, for the module's tests (stopped before the database goes back to the pool)."""
    if find_nginx() is None:
        pytest.fail("nginx is needed for the scale-out test (.ci/run installs it)")
    started = start_cluster(seeded[3], seeded[2], count=2, workers=2, FORM_MIN_SECONDS="0")
    yield started
    started.stop()


def _revisions(db, slug: str) -> list[str]:
    page = db.scalar(select(Page).where(Page.slug == slug))
    if page is None:
        return []
    return list(db.scalars(select(PageRevision.body).where(PageRevision.page_id == page.id)))


def _current(db, slug: str) -> str:
    page = db.scalar(select(Page).where(Page.slug == slug))
    assert page is not None and page.current_revision is not None
    return page.current_revision.body


def test_fifty_editors_across_two_nodes_lose_nothing(seeded, cluster: Cluster):
    db = seeded[1]
    run = E.run_editors(cluster.url, EDITORS, SAVES, PASSWORD, SHARED)

    assert run.errors == []
    assert len(run.saves) == EDITORS * SAVES
    statuses = Counter(save.status for save in run.saves)
    assert set(statuses) <= {302, 409}, statuses  # no 5xx, no other refusal
    assert all(save.text_returned for save in run.saves if save.status == 409)
    assert all(save.contested for save in run.saves if save.status == 409)  # merges never refuse
    db.expire_all()
    # Every accepted save is a revision, no refused one is; the final texts keep every accepted change.
    assert E.audit(run, lambda slug: _revisions(db, slug), lambda slug: _current(db, slug), SHARED) == {
        "lost": 0,
        "phantom": 0,
        "missing": 0,
    }
    for slug in SHARED:
        claimed = [s.token for s in run.saves if s.slug == slug and s.contested and s.status == 302]
        assert _current(db, slug).split("\n")[0] in {E.CONTESTED + token for token in claimed or ["personne"]}
    # nginx spread the requests over both nodes.
    served = Counter(line.split(" ")[0] for line in (cluster.nginx.folder / "access.log").read_text().splitlines())
    assert {f"127.0.0.1:{node.port}" for node in cluster.nodes} <= set(served), served


def _fields(session: requests.Session, url: str, action: str) -> dict[str, str]:
    return E.form_fields(session.get(url + action, timeout=60).text, action, here=True)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (6, 4), (20, 90, 200)).save(out, "PNG")
    return out.getvalue()


def test_a_change_through_one_node_is_seen_through_the_other_at_once(seeded, cluster: Cluster):
    node_a, node_b = cluster.nodes
    # Node B keeps the anonymous answer (each of its workers, asked more than once).
    anonymous = requests.Session()
    before = [anonymous.get(f"{node_b.url}/pages/commun-1", timeout=60) for _ in range(6)]
    assert {answer.status_code for answer in before} == {200} and "hirondelle" not in before[-1].text
    assert "Set-Cookie" not in before[-1].headers

    editor = E.Editor(node_a.url, 0)
    editor.login("editeur0", PASSWORD)
    saved = editor.save("commun-1", E.own_line(0, "hirondelle"), token="hirondelle")
    assert saved.status == 302

    after = anonymous.get(f"{node_b.url}/pages/commun-1", timeout=60)
    assert "Ligne 0 : hirondelle" in after.text

    # Two people change the same line from the same revision, one through each node: the second gets 409
    # and their text back.
    rival = E.Editor(node_b.url, 1)
    rival.login("editeur1", PASSWORD)
    stale = E.form_fields(rival.get("/pages/commun-2/edit").text, "/pages/commun-2/edit")
    assert editor.save("commun-2", E.contested_line("mesange"), token="mesange", contested=True).status == 302
    body = E.contested_line("fauvette")(stale["body"])
    refused = rival.post("/pages/commun-2/edit", stale | {"body": body, "action": "save"})
    assert refused.status_code == 409 and "fauvette" in refused.text

    # Search through B finds what A saved once the outbox is applied (by whichever node's thread).
    engine = Database.engine(seeded[0])
    for _ in range(600):
        if outbox.pending(engine) == 0:
            break
        time.sleep(0.05)
    assert outbox.pending(engine) == 0
    found = anonymous.get(f"{node_b.url}/api/v1/search", params={"q": "hirondelle"}, timeout=60).json()
    assert found["total"] == 1 and "commun-1" in str(found)

    # A file attached through A is downloaded through B (one shared uploads folder).
    session = editor.http
    fields = _fields(session, node_a.url, "/pages/commun-1/files")
    image = _png()
    upload = session.post(
        f"{node_a.url}/pages/commun-1/files",
        data=fields,
        files={"file": ("plan.png", image, "image/png")},
        allow_redirects=False,
        timeout=60,
    )
    assert upload.status_code == 302, upload.text[:500]
    listing = session.get(f"{node_b.url}/pages/commun-1/files", timeout=60).text
    link = re.search(r'href="(/-/fichiers/\d+/[^"]+)"', listing)
    assert link is not None
    download = requests.get(node_b.url + link.group(1), timeout=60)
    assert download.status_code == 200 and download.headers["Content-Type"].startswith("image/png")
    assert Image.open(io.BytesIO(download.content)).size == (6, 4)
    assert any(cluster.uploads.rglob("*.png"))
    assert not any(any(node.instance.rglob("*.png")) for node in cluster.nodes)

    # A logout through A ends the login on B too, even for a copy of the cookie.
    copy = requests.Session()
    copy.cookies.update(session.cookies)
    assert copy.get(f"{node_b.url}/-/compte", allow_redirects=False, timeout=60).status_code == 200
    account = session.get(f"{node_a.url}/-/compte", timeout=60).text
    logout = session.post(
        f"{node_a.url}/-/deconnexion", data=E.form_fields(account, "/-/deconnexion"), allow_redirects=False, timeout=60
    )
    assert logout.status_code == 302
    assert copy.get(f"{node_b.url}/-/compte", allow_redirects=False, timeout=60).status_code in (302, 401)
