"""The pages of a YesWiki import: versions converted for ``import_history``, and the run's summary."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from importers.yeswiki_actions import FormRef
from importers.yeswiki_pages import State
from importers.yeswiki_pages import nothing
from importers.yeswiki_pages import page_item
from importers.yeswiki_pages import summary
from importers.yeswiki_source import Page
from importers.yeswiki_source import Site
from importers.yeswiki_source import Version
from importers.yeswiki_source import site_from_bytes
from tests.shared import DATA


def test_every_version_is_converted_and_the_newest_is_tallied():
    site = Site("dump SQL", pages={"PageA": Page("PageA"), "PageB": Page("PageB")})
    page = site.pages["PageA"]
    page.versions = [Version("{{recentchanges}}\nPageB", "Al", datetime(2020, 1, 1)),
                     Version('{{bazarliste id="3"}}\n{{grid}}\nVoir PageB et GatieN', "Bo", datetime(2021, 1, 1))]  # fmt: skip
    state = State(form_refs={"3": FormRef("trucs")}, records={"GatieN": 7})
    item = page_item(state, site, page)
    assert item.remote_id == "page:PageA" and item.values["title"] == "PageA" and item.refused is None
    first, last = item.values["revisions"]
    assert first.body == "> Action YesWiki non reprise : `{{recentchanges}}`\n\n[[PageB]]\n"
    assert last.body == '{{liste form="trucs"}}\n\nVoir [[PageB]] et [GatieN](/fiches/7)\n'
    assert (last.author_name, last.created_at) == ("Bo", datetime(2021, 1, 1))
    assert state.notes == Counter() and state.dropped == Counter({"grid": 1})  # the newest version's only


def test_a_version_too_long_once_converted_is_left_out():
    page = Page(
        "Gros", [Version("x" * 10, "A", datetime(2020, 1, 1)), Version("*" * 600_000, "B", datetime(2021, 1, 1))]
    )
    item = page_item(State(), Site("dump SQL", pages={"Gros": page}), page)
    assert len(item.values["revisions"]) == 1 and "plus de 1 Mo" in item.warnings[0]


def test_a_source_with_nothing_says_what_it_holds():
    site = site_from_bytes((DATA / "yeswiki/yeswiki-2024_create-tables.sql").read_bytes())
    message = nothing(site)
    assert message.startswith("Cette source (dump SQL) ne contient aucune page, aucun formulaire ni aucune fiche")
    assert "acls, links, nature, pages, referrers, triples, users" in message and "1 compte(s)" in message


def test_the_summary_says_each_kind_of_loss_once():
    state = State(notes=Counter({"login": 2}), dropped=Counter({"col": 3}), files=["P : {{attach}}"], attachments=4,
                  old_versions=5, users=6, comments=7)  # fmt: skip
    lines = summary(state)
    assert len(lines) == 7 and "login ×2" in lines[0] and "col ×3" in lines[1]
    assert lines[3].startswith("4 image(s)") and lines[5].startswith("6 compte(s)") and summary(State()) == []
