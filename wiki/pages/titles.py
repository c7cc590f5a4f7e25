"""Page-name suggestions for the editor's « lien vers une page » (wiki links).

A few live titles containing what was typed, those starting with it first;
titles are public (the page list shows them all), so the answer is the same
for everyone and may be cached briefly.
"""

from __future__ import annotations

from sqlalchemy import case
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.pages.models import Page

#: Most suggestions returned at once.
MAX_SUGGESTIONS = 10


def suggest_titles(db: Session, text: str, *, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Return up to ``limit`` live page titles containing ``text`` (case-insensitive), prefix matches first."""
    text = " ".join((text or "").split())[:100]
    if not text:
        return []
    # User text is data, never a LIKE pattern (B9-78).
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    starts = Page.title.ilike(escaped + "%", escape="\\")
    query = (
        select(Page.title)
        .where(Page.deleted_at.is_(None), Page.title.ilike("%" + escaped + "%", escape="\\"))
        .order_by(case((starts, 0), else_=1), Page.title)
        .limit(max(1, min(limit, MAX_SUGGESTIONS)))
    )
    return list(db.scalars(query))
