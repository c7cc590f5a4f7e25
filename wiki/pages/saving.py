"""How a page text becomes a revision: checks, row lock, three-way merge, append.

Used by the page services (:mod:`wiki.pages.services`: create, save, revert,
rename), never by views. A revision is appended, never changed (STYLE R11):
the page's pointer moves, its outgoing links are refreshed from the
rendering (computed and stored once, :mod:`wiki.pages.rendering`) and
``page_saved`` is sent for search and the activity feed. Service layer: no
request globals.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from wiki import signals
from wiki import textdiff
from wiki.db import is_sqlite
from wiki.db import utcnow
from wiki.errors import EditConflict
from wiki.errors import ValidationError
from wiki.pages.models import Page
from wiki.pages.models import PageLink
from wiki.pages.models import PageRevision
from wiki.pages.rendering import render_new_revision

MAX_COMMENT = 500


def lock_page(db: Session, page: Page) -> None:
    """Lock the page row until commit and reload it, so two concurrent saves see each other
    instead of both appending "revision N+1".

    On SQLite the write transaction's BEGIN IMMEDIATE already serialises writers: one reload. On
    PostgreSQL the lock and the reload stay two statements: a row locked by ``FOR UPDATE`` after a
    wait is the newest, but what a join adds to it comes from the statement's snapshot, older than
    the revision the other save added (its current revision would read as missing).
    """
    if not is_sqlite(db):
        db.execute(select(Page.id).where(Page.id == page.id).with_for_update())
    db.refresh(page)


def clean_comment(comment: str | None) -> str:
    """Return an edit comment on one line, at most ``MAX_COMMENT`` characters."""
    comment = re.sub(r"[\x00-\x1f\x7f]+", " ", comment or "").strip()
    return comment[:MAX_COMMENT]


def check_body(body: str, max_bytes: int) -> str:
    """Return the text with normalised line ends and no NUL.

    :raises ValidationError: the text is longer than ``max_bytes`` (UTF-8).
    """
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if len(body.encode("utf-8")) > max_bytes:
        raise ValidationError(
            str(_l("Le texte est trop long (%(max)d octets au plus).", max=max_bytes)),
            {"body": str(_l("Texte trop long."))},
        )
    return body


def append_revision(
    db: Session, page: Page, *, title: str, body: str, comment: str, actor: Any, action: str
) -> PageRevision:
    """Append a revision, move the pointer, refresh links and notify."""
    current = page.current_revision
    revision = PageRevision(
        page_id=page.id,
        parent_id=current.id if current else None,
        number=(current.number + 1) if current else 1,
        title=title,
        body=body,
        comment=comment,
        action=action,
        author_id=actor.id if getattr(actor, "is_authenticated", False) else None,
        created_at=utcnow(),
        size=len(body.encode("utf-8")),
    )
    db.add(revision)
    db.flush()
    # One UPDATE of the page, in SQL: flushing the object would send a second one (its current
    # revision is ``post_update``, re-sent whenever the page is flushed); the object is then told.
    moved = {"current_revision_id": revision.id, "title": title, "updated_at": revision.created_at}
    db.execute(update(Page).where(Page.id == page.id).values(moved).execution_options(synchronize_session=False))
    for key, value in {**moved, "current_revision": revision}.items():
        set_committed_value(page, key, value)
    rendered = render_new_revision(db, revision)
    db.execute(delete(PageLink).where(PageLink.page_id == page.id))
    db.add_all(PageLink(page_id=page.id, target_slug=slug) for slug in sorted(rendered.links))
    db.flush()
    signals.page_saved.send(page, session=db, page=page, revision=revision, action=action, actor=actor)
    return revision


def merge_concurrent(db: Session, page: Page, body: str, base_revision_id: int | None, actor: Any) -> tuple[str, bool]:
    """Return the text to save when revisions landed since ``base_revision_id``, and whether it was merged.

    Changes are merged three-way, adjacent lines included, whoever wrote the
    revisions since the base: the same account's other tab is merged like
    anyone's, never overwritten (a double submit of the current text writes
    nothing before this is reached).

    :raises ValidationError: the base is not a revision of this page.
    :raises EditConflict: another person's changes overlap; ``details`` carry
        ``mine`` (the submitted text), ``current`` and ``base`` (revisions) and ``conflicts``.
    """
    current = page.current_revision
    assert current is not None
    base = db.get(PageRevision, base_revision_id) if base_revision_id else None
    if base is None or base.page_id != page.id:
        raise ValidationError(str(_l("La version de départ de cette modification est inconnue.")))
    since = list(
        db.scalars(
            select(PageRevision.author_id).where(PageRevision.page_id == page.id, PageRevision.number > base.number)
        )
    )
    own = getattr(actor, "is_authenticated", False) and all(author == actor.id for author in since)
    result = textdiff.merge_texts(base.body, body, current.body)
    if result.conflicted:
        raise EditConflict(
            str(_l("Vous avez modifié les mêmes lignes dans un autre onglet ou une autre fenêtre."))
            if own
            else str(_l("Quelqu'un a modifié les mêmes lignes pendant que vous écriviez.")),
            mine=body,
            current=current,
            base=base,
            conflicts=result.conflicts,
        )
    return result.text, True
