"""Diffs within a cost budget, cached per revision pair, and a per-client limit on costly requests
(issue 17 item 3). Sizes and flags are asserted, never timings (bench/ measures those)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import make_page
from tests.factories import make_user
from wiki import textdiff
from wiki.pages import diffs
from wiki.pages import services


def _two_revisions(db, first: str, second: str, title: str = "Énorme"):
    page = make_page(db, title, first)
    services.save_page(
        db,
        page,
        body=second,
        comment="",
        actor=make_user(db, "Bérénice"),
        base_revision_id=page.current_revision_id,
        policy="account",
    )
    db.commit()
    return page


def test_a_huge_diff_is_summarised_with_links_to_both_texts(make_app):
    app = make_app(DIFF_COST_BUDGET=100_000)
    from wiki.db import Database

    # The hostile page of the issue, scaled: every line differs, repeated lines (SequenceMatcher's worst case).
    old, new = "a\n=\n" * 3_000, "b\n-\n" * 3_000
    with Database.new_session(app) as db:
        page = _two_revisions(db, old, new)
        slug = page.slug
    client = app.test_client()
    answer = client.get(f"/pages/{slug}/diff?from=1&to=2")
    assert answer.status_code == 200
    assert "trop volumineuse pour être affichée ligne à ligne" in answer.text
    assert "environ 6000 lignes ajoutées et 6000 lignes retirées" in answer.text
    assert f'href="/pages/{slug}/revisions/1.txt"' in answer.text and 'class="diff"' not in answer.text
    assert len(answer.data) < 60_000  # the page around it, not 140 MB
    raw = client.get(f"/pages/{slug}/revisions/1.txt")
    assert raw.status_code == 200 and raw.mimetype == "text/plain" and raw.text == old


def test_a_long_diff_shows_a_bounded_part_and_says_so():
    old = "".join(f"ligne {i}\n" for i in range(3_000))
    new = "".join(f"ligne {i} modifiée\n" for i in range(3_000)) + "x" * 10_000 + "\n"
    result = diffs.build(old, new, budget=10**9)
    assert not result.summarised and result.truncated
    assert (result.added, result.removed) == (3_001, 3_000)
    assert sum(len(hunk.lines) for hunk in result.hunks) <= diffs.MAX_SHOWN_LINES
    # A long replaced block gets whole lines, no word-level pass.
    first = result.hunks[0].lines[0]
    assert first.op == "change" and len(first.new) == 1
    long_line = diffs.build("a\n", "a\n" + "x" * 10_000 + "\n", budget=10**9).hunks[0].lines[-1]
    assert sum(len(s.text) for s in long_line.new) == diffs.MAX_LINE_CHARS + 1  # cut, with an ellipsis
    small = diffs.build("un gros chat\n", "un petit chat\n", budget=10**9)
    assert not small.truncated and [s.op for s in small.hunks[0].lines[0].new] == ["equal", "insert", "equal"]


def test_diff_stats_of_watch_mails_are_estimated_past_the_budget():
    old, new = "a\n=\n" * 5_000, "b\n=\n" * 5_000
    assert textdiff.diff_stats(old, new, budget=1_000) == textdiff.estimate_stats(old, new) == (5_000, 5_000)
    assert textdiff.diff_stats("a\nb\n", "a\nc\n") == (1, 1)


def test_diffs_are_cached_per_revision_pair(app, db):
    page = _two_revisions(db, "un\ndeux\n", "un\ntrois\n", "Petite")
    client = app.test_client()
    assert diffs.DIFFS.size(app) == 0
    first = client.get(f"/pages/{page.slug}/diff?from=1&to=2")
    assert first.status_code == 200 and "trois" in first.text
    assert diffs.DIFFS.size(app) == 1
    with app.app_context():
        old, new = (services.get_revision(db, page, n) for n in (1, 2))
        kept = diffs.DIFFS.get(app, (old.id, new.id))
        assert kept is not None and diffs.compare(db, old, new) is kept


@pytest.fixture
def limited_app(make_app):
    return make_app(EXPENSIVE_PER_CLIENT=1, RESPONSE_CACHE_SECONDS=0)


def test_costly_requests_are_limited_per_client_while_page_views_pass(limited_app):
    from wiki import hostslots
    from wiki.db import Database
    from wiki.site import costly

    with Database.new_session(limited_app) as db:
        page = _two_revisions(db, "un\n", "deux\n", "Limitée")
        slug = page.slug
    client = limited_app.test_client()
    assert client.get(f"/pages/{slug}/diff").status_code == 200  # its slot is released after the answer
    # Another worker of this node serves a costly request of the same client: its slot is taken.
    folder = Path(limited_app.instance_path) / "run" / "costly"
    held = hostslots.take(folder, 1, name=f"{costly._bucket(limited_app, 'address:127.0.0.1'):04x}")
    assert held is not None
    try:
        refused = client.get(f"/pages/{slug}/diff")
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "5"
        assert "plusieurs demandes coûteuses en cours" in refused.text
        assert client.get(f"/pages/{slug}/history").status_code == 429
        assert client.get("/api/v1/search?q=deux").json["error"] == "throttled"
        assert client.get(f"/pages/{slug}").status_code == 200  # page views never count
        other = limited_app.test_client()
        other.environ_base["REMOTE_ADDR"] = "192.0.2.7"  # another client
        assert other.get(f"/pages/{slug}/diff").status_code == 200
    finally:
        held.release()
    assert client.get(f"/pages/{slug}/diff").status_code == 200


def test_a_history_does_not_load_the_texts(db):
    from sqlalchemy import inspect

    page = _two_revisions(db, "a\n=\n" * 1_000, "b\n=\n" * 1_000, "Historique")
    db.expunge_all()
    revisions = services.history(db, services.find_page(db, page.slug))
    assert [r.number for r in revisions] == [2, 1]
    assert "body" in inspect(revisions[1]).unloaded  # (the current one comes with its page)
