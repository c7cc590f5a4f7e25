"""Hostile texts never execute in a real browser, on every surface that shows them.

The bleach and markdown-it corpora plus the catalogue's own vectors (B1)
go into a page body, an edit summary, a page title, a record and a macro
parameter; Chromium then visits the page, its preview, history, diff, old
revision, recent changes, the record and the directory lists with hooks on
dialogs and script errors, and no request may leave for another host.
"""

from __future__ import annotations

import json

import pytest

from tests.factories import PASSWORD
from tests.factories import make_user
from tests.shared import DATA
from wiki.db import Database
from wiki.pages import services as pages
from wiki.records import form_services
from wiki.records import services as records

pytestmark = pytest.mark.browser

VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "![a](javascript:alert(1))",
    '![A](B "<C D="E" onerror=alert(origin) >")',
    '![" onerror=alert(1) ](x)',
    '<iframe srcdoc="<script>alert(1)</script>">',
    '<a href="https://ok" style="position:fixed;inset:0">x</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<svg><style><img src=x onerror=alert(1)>",
    "```mermaid\n</pre><script>alert(1)</script>\n```",
    '"><svg onload=alert(1)>',
    "＜script＞alert(1)＜/script＞",
]


def _corpus() -> str:
    bleach = json.loads((DATA / "markdown/xss/bleach_xss_vectors_mainline.json").read_text(encoding="utf-8"))
    parts = VECTORS + [case["input"] for case in bleach["cases"]]
    parts.append((DATA / "markdown/markdown-it_xss.md").read_text(encoding="utf-8"))
    return "\n\n".join(parts)


def test_no_payload_executes_anywhere(live_server, sqlite_app, page):
    session = Database.new_session(sqlite_app)
    author = make_user(session, "Auteur")
    moderator = make_user(session, "Modo", role="moderator")
    title = 'Piège "><svg onload=alert(1)>'
    created = pages.create_page(
        session, title=title, body="départ\n", comment="<b>x</b>", actor=author, policy="account"
    ).page
    pages.save_page(
        session,
        created,
        body=_corpus(),
        comment="<img src=x onerror=alert(1)> [j](javascript:alert(1))",
        actor=author,
        base_revision_id=created.current_revision_id,
        policy="account",
    )
    form = form_services.create_form(
        session,
        key="pieges",
        title="Formulaire <script>alert(1)</script>",
        actor=moderator,
        fields=[
            {
                "id": "f_0000c001",
                "key": "title",
                "type": "text",
                "label": "Nom <img src=x onerror=alert(1)>",
                "required": True,
            },
            {"id": "f_0000c002", "key": "texte", "type": "longtext", "label": "Texte"},
            {"id": "f_0000c003", "key": "site", "type": "url", "label": "Site"},
            {
                "id": "f_0000c004",
                "key": "categorie",
                "type": "choice",
                "label": "Catégorie",
                "options": {"choices": [{"value": "a", "label": "<svg onload=alert(1)>"}]},
            },
        ],
    )
    record = records.create_record(
        session,
        form,
        {
            "title": "<script>alert(1)</script>",
            "texte": _corpus()[:40000],
            "site": "https://exemple.fr/?q=%3Cscript%3E",
            "categorie": "a",
        },
        actor=author,
        policy="account",
    )
    pages.create_page(
        session,
        title="Macros piégées",
        body='{{liste form="pieges" q="<script>alert(1)</script>"}}\n\n{{liste form="pieges" titre="<img src=x onerror=alert(1)>"}}\n',
        comment="",
        actor=author,
        policy="account",
    )
    session.commit()
    slug, record_id = created.slug, record.id
    session.close()

    fired: list[str] = []
    page.on("dialog", lambda dialog: (fired.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda err: fired.append(f"error: {err}"))
    outbound: list[str] = []
    page.route(
        "**/*",
        lambda route: (
            (outbound.append(route.request.url), route.abort())
            if not route.request.url.startswith(live_server.url)
            else route.continue_()
        ),
    )

    page.goto(live_server.url + "/-/connexion")
    page.get_by_label("Nom d’utilisateur").fill("Auteur")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    surfaces = [
        f"/pages/{slug}",
        f"/pages/{slug}/history",
        f"/pages/{slug}/diff?from=1&to=2",
        f"/pages/{slug}/revisions/2",
        f"/pages/{slug}/edit",
        "/-/modifications",
        "/pages",
        f"/-/recherche?q={slug}",
        f"/fiches/{record_id}",
        f"/fiches/{record_id}/historique",
        "/annuaire/pieges",
        "/annuaire/pieges?vue=tableau",
        "/annuaire/pieges?vue=fiches",
        "/pages/macros-piegees",
    ]
    for path in surfaces:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
    page.goto(live_server.url + f"/pages/{slug}/edit")
    page.get_by_role("button", name="Aperçu").click()
    page.wait_for_load_state("load")
    assert fired == []
    assert outbound == []
