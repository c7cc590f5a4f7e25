"""The template translation callables bound once per render (``wiki.i18n.bound_gettext``)."""

from __future__ import annotations

import re

from tests.exports_support import login
from tests.factories import make_page
from tests.factories import make_user
from wiki import i18n

URLS = ("/pages/lavoir", "/pages/lavoir/history", "/pages", "/-/modifications", "/-/moderation", "/pages/absente")


def _html(client, url):
    """Status and HTML of ``url``, per-session CSRF tokens blanked."""
    answer = client.get(url)
    return answer.status_code, re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", answer.text)


def test_bound_translations_give_flask_babels_html_in_french_and_english(make_app, db):
    wiki = make_app(EDIT_POLICY="premoderated")
    page = make_page(db, "Lavoir", "Voir [[Moulin]].\n", actor=make_user(db, "Modo", role="moderator"))
    make_user(db, "Nouveau")
    db.commit()
    author, moderator = wiki.test_client(), wiki.test_client()
    login(author, "Nouveau")
    author.post("/pages/lavoir/edit", data={"body": "Ligne une.\n", "base_revision_id": page.current_revision_id})
    login(moderator, "Modo")
    moderator.get("/pages/lavoir")  # the welcome message, once
    processors = wiki.template_context_processors[None]
    for lang, words in (("fr", "Aller au contenu"), ("en", "Skip to content")):
        moderator.get(f"/-/langue/{lang}")
        bound = [_html(moderator, url) for url in URLS]
        processors.remove(i18n.bound_gettext)
        try:
            plain = [_html(moderator, url) for url in URLS]
        finally:
            processors.append(i18n.bound_gettext)
        assert bound == plain
        assert [url for url, (_, html) in zip(URLS, bound, strict=True) if words not in html] == []
    assert 'aria-label="1 pending">1</span>' in bound[0][1]  # ngettext, in the moderators' navigation
