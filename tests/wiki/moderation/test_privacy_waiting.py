"""Waiting content never leaves: the privacy scan of every public output, extended to the moderation queue.

Under pre-moderation a waiting page edit, a waiting new page, a new record
waiting for review and a waiting change to a published record each carry a
unique marker; so does a refused new page. None may appear in any public
output (the open-data scan's ``PUBLIC_OUTPUTS``, plus pages, their history,
the page API, search, the moderation log and the public dump), nor in what
another account sees; the author and moderators do see theirs.
"""

from __future__ import annotations

import zipfile

import pytest

from tests.exports_support import login
from tests.factories import make_user
from tests.wiki.exports.conftest import record_values
from tests.wiki.exports.conftest import seeded  # noqa: F401 - the fixture
from tests.wiki.exports.test_privacy import PUBLIC_OUTPUTS
from tests.wiki.exports.test_privacy import _texts
from wiki.auth.services import Anonymous
from wiki.moderation import decisions
from wiki.moderation import waiting
from wiki.pages import services as pages
from wiki.records import services as records

MARKERS = ("ATTENTE-PAGE-1d1d", "ATTENTE-NEUVE-2e2e", "ATTENTE-FICHE-3f3f", "ATTENTE-CHANGE-4a4a", "REFUS-NEUVE-5b5b")
#: Public outputs of pages and moderation, beside the open-data ones.
MORE_OUTPUTS = (
    "/",
    "/pages",
    "/pages/marche-de-redon",
    "/pages/marche-de-redon/history",
    "/pages/marche-de-redon/diff",
    "/api/v1/pages",
    "/api/v1/pages/marche-de-redon",
    "/api/v1/pages/marche-de-redon/revisions",
    "/-/recherche?q=attente",
    "/api/v1/search?q=attente",
    "/-/modifications?type=page",
    "/-/journal",
    "/-/journal.atom",
)


@pytest.fixture
def waiting_content(app, db, seeded):  # noqa: F811 - the imported fixture
    """The four kinds of waiting contributions and one refused, by a newcomer, under pre-moderation."""
    newcomer = make_user(db, "Nouveau")
    page = pages.find_page(db, "marche-de-redon")
    page.edit_policy = seeded.form.edit_policy = "premoderated"
    public = seeded.records[0]
    db.commit()
    page_marker, new_marker, record_marker, change_marker, refused_marker = MARKERS
    with app.app_context():
        edit = pages.save_page(
            db, page, body=f"Le marché {page_marker}.\n", comment=page_marker, actor=newcomer,
            base_revision_id=page.current_revision_id, policy="account",
        )  # fmt: skip
        new = pages.create_page(
            db, title=f"Page {new_marker}", body=new_marker, comment="", actor=newcomer, policy="premoderated"
        )
        record = records.create_record(
            db, seeded.form, record_values(8, title=f"Ferme {record_marker}", presentation=record_marker),
            actor=newcomer, policy="account",
        )  # fmt: skip
        change = records.update_record(
            db, public, {**record_values(1), "presentation": change_marker}, actor=newcomer, policy="account",
            base_revision=public.revision_number,
        )  # fmt: skip
        refused = pages.create_page(
            db, title=f"Page {refused_marker}", body=refused_marker, comment="", actor=Anonymous(), policy="premoderated"
        )  # fmt: skip
        decisions.refuse(db, refused.pending, actor=seeded.moderator, reason="Hors sujet.")
    assert edit.pending and new.pending and change.pending and record.status == "pending"
    db.commit()
    return record


def test_no_public_output_shows_waiting_content(app, client, seeded, waiting_content, tmp_path):  # noqa: F811
    outputs = [t.format(form=seeded.form.key, record=seeded.records[0].id) for t in PUBLIC_OUTPUTS + MORE_OUTPUTS]
    outputs += [f"/fiches/{seeded.records[0].id}", f"/api/v1/records/{seeded.records[0].id}"]
    for url in outputs:
        response = client.get(url)
        assert response.status_code == 200, url
        for text in _texts(response.data):
            found = [marker for marker in MARKERS if marker in text]
            assert found == [], f"{url} reveals {found}"
    for url in ("/pages/page-attente-neuve-2e2e", f"/fiches/{waiting_content.id}", "/-/moderation/1", "/-/moderation"):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert not [m for m in MARKERS if m in response.text], url
    dump = tmp_path / "public.zip"
    assert app.test_cli_runner().invoke(args=["dump", "--public", str(dump)]).exit_code == 0
    with zipfile.ZipFile(dump) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8", "replace")
            assert not [m for m in MARKERS if m in text], name


def test_another_account_sees_none_of_it_the_author_and_moderators_do(app, db, seeded, waiting_content):  # noqa: F811
    make_user(db, "Autre")
    db.commit()
    other = app.test_client()
    login(other, "Autre")
    for url in (
        "/pages/marche-de-redon",
        f"/fiches/{seeded.records[0].id}",
        "/-/mes-contributions",
        "/-/recherche?q=attente",
    ):
        assert not [m for m in MARKERS if m in other.get(url).text], url
    assert other.get(f"/fiches/{waiting_content.id}").status_code == 404
    author = app.test_client()
    login(author, "Nouveau")
    assert "en attente de relecture" in author.get("/pages/marche-de-redon").text
    mine = author.get("/-/mes-contributions").text
    assert "ATTENTE-NEUVE-2e2e" in mine and "REFUS-NEUVE-5b5b" not in mine  # the anonymous one is not theirs
    moderator = app.test_client()
    login(moderator, "Modo")
    queue = moderator.get("/-/moderation").text
    assert all(m in queue for m in MARKERS[:4]) and MARKERS[4] not in queue
    with app.app_context():
        assert waiting.count_waiting(db) == 4
