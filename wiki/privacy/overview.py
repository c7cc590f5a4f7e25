"""What an administrator sees before erasing an account: how much the person wrote, in counts only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.auth.models import ApiToken
from wiki.auth.models import User
from wiki.pages.models import Attachment
from wiki.pages.models import PageRevision
from wiki.records.models import Record
from wiki.revisions import Revision


@dataclass(frozen=True)
class Overview:
    """Counts of what an account wrote and holds."""

    page_revisions: int
    records: int
    record_revisions: int
    files: int
    tokens: int


def _count(db: Session, query: object) -> int:
    return int(db.scalar(select(func.count()).select_from(query)) or 0)  # type: ignore[arg-type]


def overview(db: Session, user: User) -> Overview:
    """Count what ``user`` wrote and holds."""
    return Overview(
        page_revisions=_count(db, select(PageRevision.id).where(PageRevision.author_id == user.id).subquery()),
        records=_count(db, select(Record.id).where(Record.author_id == user.id).subquery()),
        record_revisions=_count(db, select(Revision.id).where(Revision.author_id == user.id).subquery()),
        files=_count(db, select(Attachment.id).where(Attachment.uploader_id == user.id).subquery()),
        tokens=_count(db, select(ApiToken.id).where(ApiToken.user_id == user.id).subquery()),
    )
