"""Read side of ``/api/v1/pages``."""

from __future__ import annotations

import pytest

from tests.factories import make_page
from tests.factories import make_user
from wiki.pages import moderation
from wiki.pages import services

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: JSON shapes of plain page reads


def test_pages_list_and_paging(client, db):
    for i in range(5):
        make_page(db, f"Page {i}", "x\n")
    db.commit()
    data = client.get("/api/v1/pages?limit=2&offset=1").json
    assert data["total"] == 5 and data["limit"] == 2 and len(data["items"]) == 2
    assert data["items"][0]["slug"] == "page-1"
    clamped = client.get("/api/v1/pages?limit=100000000&offset=-1").json
    assert clamped["limit"] == 200 and clamped["offset"] == 0


def test_page_detail_is_sanitized_json(client, db):
    make_page(db, "Piège", "<script>alert(1)</script> [[Ailleurs]] **ok**\n")
    db.commit()
    response = client.get("/api/v1/pages/piege")
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    data = response.json
    assert data["content_markdown"].startswith("<script>")
    assert "<script>" not in data["content_html"] and "<strong>ok</strong>" in data["content_html"]
    assert data["links"] == ["ailleurs"]
    assert response.headers["ETag"]


def test_revisions(client, db):
    page = make_page(db, "Histoire", "un\n")
    services.save_page(
        db,
        page,
        body="deux\n",
        comment="suite",
        actor=make_user(db, "Alix"),
        base_revision_id=page.current_revision_id,
        policy="account",
    )
    db.commit()
    data = client.get("/api/v1/pages/histoire/revisions").json
    assert data["total"] == 2
    assert [r["number"] for r in data["items"]] == [2, 1]
    assert data["items"][0]["comment"] == "suite" and data["items"][0]["author"] == "Alix"


def test_errors_are_json(client, db):
    page = make_page(db, "Supprimée")
    moderation.delete_page(db, page, actor=make_user(db, "Modo", role="moderator"))
    db.commit()
    missing = client.get("/api/v1/pages/nulle-part")
    assert missing.status_code == 404 and missing.json["error"] == "not_found" and missing.json["message"]
    assert client.get("/api/v1/pages/supprimee").status_code == 410
    unknown = client.get("/api/v1/inconnu")
    assert unknown.status_code == 404 and unknown.json == {"error": "not_found", "message": "Cette page n'existe pas."}
