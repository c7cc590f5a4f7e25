"""Page services: revisions, conflicts and merges, rename, delete, revert."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select

from tests.factories import make_page
from tests.factories import make_user
from wiki.errors import EditConflict
from wiki.errors import Forbidden
from wiki.errors import Gone
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.pages import moderation
from wiki.pages import services
from wiki.pages.models import PageLink
from wiki.pages.models import PageRevision

TEN_LINES = "".join(f"Ligne {i}\n" for i in range(1, 11))


def _revisions(db, page):
    return db.scalar(select(func.count()).select_from(PageRevision).where(PageRevision.page_id == page.id))


def test_create_page_makes_first_revision(db):
    page = make_page(db, "Médiathèque de Redon", "Bonjour [[Redon]].\n")
    assert page.slug == "mediatheque-de-redon"
    assert page.current_revision.number == 1
    assert page.current_revision.action == "create"
    assert set(db.scalars(select(PageLink.target_slug).where(PageLink.page_id == page.id))) == {"redon"}


def test_title_collision_by_normalisation_is_refused(db):
    make_page(db, "Café")
    with pytest.raises(ValidationError):
        make_page(db, "CAFE\u0301 ")  # same canonical slug (B15-125)


def test_identical_text_creates_no_revision(db):
    page = make_page(db, body=TEN_LINES)
    actor = make_user(db, "Alix")
    result = services.save_page(
        db,
        page,
        body=TEN_LINES.replace("\n", "\r\n"),
        comment="",
        actor=actor,
        base_revision_id=page.current_revision_id,
        policy="account",
    )
    assert result.revision is None
    assert _revisions(db, page) == 1


def test_revisions_are_linked_and_numbered(db):
    page = make_page(db, body=TEN_LINES)
    actor = make_user(db, "Alix")
    first = page.current_revision
    result = services.save_page(
        db,
        page,
        body=TEN_LINES + "Ligne 11\n",
        comment="ajout",
        actor=actor,
        base_revision_id=first.id,
        policy="account",
    )
    assert result.revision.number == 2
    assert result.revision.parent_id == first.id
    assert result.revision.author_id == actor.id
    assert page.current_revision_id == result.revision.id
    assert services.get_revision(db, page, 1).body == TEN_LINES  # the old one is untouched


def test_non_overlapping_concurrent_edits_merge(db):
    page = make_page(db, body=TEN_LINES)
    alice, bob = make_user(db, "Alice"), make_user(db, "Bob")
    base = page.current_revision_id
    services.save_page(
        db,
        page,
        body=TEN_LINES.replace("Ligne 2\n", "Ligne deux\n"),
        comment="",
        actor=alice,
        base_revision_id=base,
        policy="account",
    )
    result = services.save_page(
        db,
        page,
        body=TEN_LINES.replace("Ligne 8\n", "Ligne huit\n"),
        comment="",
        actor=bob,
        base_revision_id=base,
        policy="account",
    )
    assert result.merged
    assert result.revision.action == "merge"
    assert "Ligne deux" in page.current_revision.body and "Ligne huit" in page.current_revision.body


def test_overlapping_edits_raise_conflict_with_the_users_text(db):
    page = make_page(db, body=TEN_LINES)
    alice, bob = make_user(db, "Alice"), make_user(db, "Bob")
    base = page.current_revision_id
    services.save_page(
        db,
        page,
        body=TEN_LINES.replace("Ligne 5\n", "Ligne cinq (Alice)\n"),
        comment="",
        actor=alice,
        base_revision_id=base,
        policy="account",
    )
    mine = TEN_LINES.replace("Ligne 5\n", "Ligne 5 selon Bob\n")
    with pytest.raises(EditConflict) as caught:
        services.save_page(db, page, body=mine, comment="", actor=bob, base_revision_id=base, policy="account")
    assert caught.value.details["mine"] == mine
    assert caught.value.details["current"].number == 2
    assert _revisions(db, page) == 2  # nothing silently overwritten


def test_same_user_two_tabs_merge_like_anyone(db):
    # Issue 17 item 4: the second tab's save used to overwrite the first one's change.
    page = make_page(db, body=TEN_LINES)
    alice = make_user(db, "Alice")
    base = page.current_revision_id
    first_tab = TEN_LINES.replace("Ligne 2\n", "Ligne deux\n")
    services.save_page(db, page, body=first_tab, comment="", actor=alice, base_revision_id=base, policy="account")
    second_tab = TEN_LINES.replace("Ligne 3\n", "Ligne trois\n")  # the next line: adjacent
    result = services.save_page(
        db, page, body=second_tab, comment="", actor=alice, base_revision_id=base, policy="account"
    )
    assert result.merged and result.revision.action == "merge"
    assert page.current_revision.body == TEN_LINES.replace("Ligne 2\n", "Ligne deux\n").replace(
        "Ligne 3\n", "Ligne trois\n"
    )


def test_same_user_two_tabs_on_the_same_line_conflict_and_lose_nothing(db):
    page = make_page(db, body=TEN_LINES)
    alice = make_user(db, "Alice")
    base = page.current_revision_id
    first_tab = TEN_LINES.replace("Ligne 5\n", "Version A\n")
    services.save_page(db, page, body=first_tab, comment="", actor=alice, base_revision_id=base, policy="account")
    second_tab = TEN_LINES.replace("Ligne 5\n", "Version B\n")
    with pytest.raises(EditConflict, match="autre onglet") as caught:
        services.save_page(db, page, body=second_tab, comment="", actor=alice, base_revision_id=base, policy="account")
    assert caught.value.details["mine"] == second_tab
    assert page.current_revision.body == first_tab and _revisions(db, page) == 2


def test_adjacent_lines_edited_by_two_people_merge(db):
    page = make_page(db, body=TEN_LINES)
    alice, bob = make_user(db, "Alice"), make_user(db, "Bob")
    base = page.current_revision_id
    alices = TEN_LINES.replace("Ligne 5\n", "Ligne cinq\n")
    services.save_page(db, page, body=alices, comment="", actor=alice, base_revision_id=base, policy="account")
    bobs = TEN_LINES.replace("Ligne 6\n", "Ligne six\n")
    result = services.save_page(db, page, body=bobs, comment="", actor=bob, base_revision_id=base, policy="account")
    assert result.merged
    assert page.current_revision.body == alices.replace("Ligne 6\n", "Ligne six\n")


def test_double_submit_is_idempotent(db):
    page = make_page(db, body=TEN_LINES)
    alice = make_user(db, "Alice")
    base = page.current_revision_id
    text = TEN_LINES + "fin\n"
    services.save_page(db, page, body=text, comment="", actor=alice, base_revision_id=base, policy="account")
    again = services.save_page(db, page, body=text, comment="", actor=alice, base_revision_id=base, policy="account")
    assert again.revision is None
    assert _revisions(db, page) == 2


def test_anonymous_double_submit_is_idempotent(db):
    from wiki.auth.services import Anonymous

    page = make_page(db, body=TEN_LINES, policy="open")
    base = page.current_revision_id
    text = TEN_LINES + "fin\n"
    services.save_page(db, page, body=text, comment="", actor=Anonymous(), base_revision_id=base, policy="open")
    again = services.save_page(db, page, body=text, comment="", actor=Anonymous(), base_revision_id=base, policy="open")
    assert again.revision is None


def test_base_revision_of_another_page_is_refused(db):
    page = make_page(db, "Une", TEN_LINES)
    other = make_page(db, "Autre", TEN_LINES)
    actor = make_user(db, "Alix")
    services.save_page(
        db, page, body="x\n", comment="", actor=actor, base_revision_id=page.current_revision_id, policy="account"
    )
    with pytest.raises(ValidationError):
        services.save_page(
            db, page, body="y\n", comment="", actor=actor, base_revision_id=other.current_revision_id, policy="account"
        )


def test_policies_and_protection(db):
    from wiki.auth.services import Anonymous

    page = make_page(db, body=TEN_LINES)
    reader = make_user(db, "Lecteur", role="visitor")
    contributor = make_user(db, "Contrib")
    moderator = make_user(db, "Modo", role="moderator")
    base = page.current_revision_id
    with pytest.raises(Forbidden):
        services.save_page(db, page, body="x", comment="", actor=Anonymous(), base_revision_id=base, policy="account")
    with pytest.raises(Forbidden):
        services.save_page(db, page, body="x", comment="", actor=reader, base_revision_id=base, policy="account")
    with pytest.raises(Forbidden):
        services.save_page(db, page, body="x", comment="", actor=contributor, base_revision_id=base, policy="readonly")
    with pytest.raises(Forbidden):
        moderation.protect_page(db, page, True, actor=contributor)
    moderation.protect_page(db, page, True, actor=moderator)
    with pytest.raises(Forbidden):
        services.save_page(db, page, body="x", comment="", actor=contributor, base_revision_id=base, policy="account")
    assert services.save_page(
        db, page, body="x\n", comment="", actor=moderator, base_revision_id=base, policy="account"
    ).revision


def test_revert_creates_a_new_revision(db):
    page = make_page(db, body="un\n")
    actor = make_user(db, "Alix")
    services.save_page(
        db, page, body="deux\n", comment="", actor=actor, base_revision_id=page.current_revision_id, policy="account"
    )
    result = services.revert_page(db, page, 1, actor=actor, policy="account")
    assert result.revision.number == 3
    assert result.revision.action == "revert"
    assert page.current_revision.body == "un\n"
    assert services.revert_page(db, page, 3, actor=actor, policy="account").revision is None
    with pytest.raises(NotFound):
        services.revert_page(db, page, 99, actor=actor, policy="account")


def test_rename_keeps_a_redirect_and_history(db):
    page = make_page(db, "Ancien nom", "texte\n")
    actor = make_user(db, "Alix")
    services.rename_page(db, page, "Nouveau nom", actor=actor, policy="account")
    assert page.slug == "nouveau-nom"
    found, target = services.resolve(db, "ancien-nom")
    assert found is None and target.id == page.id
    assert page.current_revision.action == "rename" and page.current_revision.number == 2
    # The old name can be reused later: the redirect gives way.
    reused = make_page(db, "Ancien nom", "autre\n")
    assert services.resolve(db, "ancien-nom") == (reused, None)


def test_rename_to_existing_title_is_refused(db):
    page = make_page(db, "Un")
    make_page(db, "Deux")
    with pytest.raises(ValidationError):
        services.rename_page(db, page, "Deux", actor=make_user(db, "Alix"), policy="account")


def test_delete_and_restore(db):
    page = make_page(db)
    contributor = make_user(db, "Contrib")
    moderator = make_user(db, "Modo", role="moderator")
    with pytest.raises(Forbidden):
        moderation.delete_page(db, page, actor=contributor)
    moderation.delete_page(db, page, actor=moderator, comment="doublon")
    with pytest.raises(Gone):
        services.get_page(db, page.slug, contributor)
    assert services.get_page(db, page.slug, moderator) is page
    assert page not in services.list_pages(db)[0]
    moderation.restore_page(db, page, actor=moderator)
    assert services.get_page(db, page.slug, contributor) is page


def test_backlinks_and_existing_slugs(db):
    target = make_page(db, "Redon", "ville\n")
    make_page(db, "Pays", "Voir [[Redon]] et [[Bains-sur-Oust]].\n")
    assert [p.title for p in services.backlinks(db, target)] == ["Pays"]
    assert services.existing_slugs(db, {"redon", "bains-sur-oust"}) == {"redon"}


def test_body_size_limit(db):
    page = make_page(db)
    with pytest.raises(ValidationError):
        services.save_page(
            db,
            page,
            body="é" * 600,
            comment="",
            actor=make_user(db, "Alix"),
            base_revision_id=page.current_revision_id,
            policy="account",
            max_bytes=1000,
        )


def test_search_escapes_like_wildcards(db):
    make_page(db, "Cent pour cent", "100% local\n")
    make_page(db, "Autre", "rien\n")
    assert [p.title for p in services.search_pages(db, "100%")] == ["Cent pour cent"]
    # A literal "%" matches only text containing it, not everything.
    assert [p.title for p in services.search_pages(db, "%")] == ["Cent pour cent"]
    assert services.search_pages(db, "_") == []
    assert services.search_pages(db, "') OR 1=1 --") == []


# --- render_page / render_preview: the one chain every shown page text goes through ---------------

LINKS = 'Voir [[Redon]] et [[Nulle part]].\n\n{{inconnue form="a"}}\n'


def _directory(db):
    """A form with one published record, for the ``{{liste}}`` macro."""
    from wiki.records import form_services
    from wiki.records import services as records

    moderator = make_user(db, "Modo", role="moderator")
    form = form_services.create_form(
        db,
        key="lieu",
        title="Lieux",
        actor=moderator,
        fields=[{"id": "f_000000a1", "key": "title", "type": "text", "label": "Nom", "required": True}],
    )
    records.create_record(db, form, {"title": "Halle aux grains"}, actor=moderator, policy="account")


def _assert_finished(html):
    """Links to missing pages point at their creation, macros are expanded (no placeholder left)."""
    assert 'class="wikilink missing" href="/pages/nulle-part/edit"' in html
    assert 'class="wikilink" href="/pages/redon"' in html
    assert "LIEUDITMACRO" not in html
    assert 'class="macro-error"' in html and "Macro inconnue" in html
    assert "Halle aux grains" in html


@pytest.mark.parametrize("which", ["current", "old"])
def test_render_page_marks_missing_links_and_expands_macros(app, db, which):
    _directory(db)
    make_page(db, "Redon")
    page = make_page(db, "Marché", LINKS + '\n{{liste form="lieu"}}\n')
    first = page.current_revision
    services.save_page(
        db, page, body=LINKS + '\n{{liste form="lieu"}}\n\nSuite.\n', comment="", actor=make_user(db, "Yann"),
        base_revision_id=first.id, policy="account",
    )  # fmt: skip
    revision = first if which == "old" else page.current_revision
    with app.test_request_context():  # macros render templates
        shown = services.render_page(db, revision, None)
    _assert_finished(shown.body_html)


def test_render_preview_goes_through_the_same_chain(app, db):
    _directory(db)
    make_page(db, "Redon")
    with app.test_request_context():
        shown = services.render_preview(db, LINKS + '\n{{liste form="lieu"}}\n\n![](x.png)\n', None)
    _assert_finished(shown.body_html)
    assert any("texte alternatif" in warning for warning in shown.warnings)


def test_render_preview_refuses_text_too_large(db):
    with pytest.raises(ValidationError) as caught:
        services.render_preview(db, "x" * 1_000_001, None)
    assert "body" in caught.value.errors


def test_links_to_a_page_created_later_are_no_longer_missing(db):
    page = make_page(db, "Marché", "Voir [[Redon]].\n")
    assert "missing" in services.render_page(db, page.current_revision, None).body_html
    make_page(db, "Redon")
    assert "missing" not in services.render_page(db, page.current_revision, None).body_html
