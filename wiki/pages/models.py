"""Pages, their append-only revisions, links, redirects and attachments.

A revision is never changed once written (STYLE R11): ``Page`` points at its
current revision; an edit appends a row and moves the pointer in the same
transaction. Rendered HTML is a derived cache in its own table, keyed by
revision and renderer version, so the revisions stay immutable.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from wiki.auth.models import User
from wiki.db import Base
from wiki.db import utcnow


class Page(Base):
    """A wiki page, identified by its canonical slug."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("page_revisions.id", use_alter=True, name="fk_pages_current_revision")
    )
    protected: Mapped[bool] = mapped_column(default=False)
    #: open, account, premoderated or locked; None: as the instance (``EDIT_POLICY``).
    edit_policy: Mapped[str | None] = mapped_column(String(16))
    deleted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    current_revision: Mapped[PageRevision | None] = relationship(
        foreign_keys=[current_revision_id], post_update=True, lazy="joined"
    )

    @property
    def is_deleted(self) -> bool:
        """Tell whether the page is deleted (restorable)."""
        return self.deleted_at is not None


class PageRevision(Base):
    """One immutable state of a page: title and body, who, when and why."""

    __tablename__ = "page_revisions"
    __table_args__ = (UniqueConstraint("page_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("page_revisions.id"))
    #: 1, 2, 3… within the page: what people cite ("version 12").
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(String(500), default="")
    #: create, edit, merge, revert, rename.
    action: Mapped[str] = mapped_column(String(16), default="edit")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Who wrote an imported revision on the source wiki (no account here); None otherwise.
    imported_author: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    size: Mapped[int] = mapped_column(default=0)

    author: Mapped[User | None] = relationship(lazy="joined")


class RenderedRevision(Base):
    """Cached HTML of a revision for one renderer version (derived, disposable)."""

    __tablename__ = "rendered_revisions"

    revision_id: Mapped[int] = mapped_column(ForeignKey("page_revisions.id", ondelete="CASCADE"), primary_key=True)
    renderer: Mapped[str] = mapped_column(String(32), primary_key=True)
    html: Mapped[str] = mapped_column(Text)
    toc_html: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[str] = mapped_column(Text, default="")


class PageLink(Base):
    """A ``[[wiki link]]`` from a page's current revision to a slug."""

    __tablename__ = "page_links"

    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True)
    target_slug: Mapped[str] = mapped_column(String(120), primary_key=True, index=True)


class PageRedirect(Base):
    """An old slug of a renamed page, kept so old links and bookmarks work."""

    __tablename__ = "page_redirects"

    slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(Base):
    """A file attached to a page, stored under a server-chosen name."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_page_name", "page_id", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The page the file is attached to, or None for a record's file.
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    #: The record whose file or image field holds this file.
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    #: Name shown to people, cleaned; never used as a path.
    filename: Mapped[str] = mapped_column(String(160))
    #: Random name on disk under ``<instance>/uploads``.
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    uploader: Mapped[User | None] = relationship(lazy="joined")

    @property
    def is_image(self) -> bool:
        """Tell whether the file is shown inline as an image."""
        return self.content_type in {"image/png", "image/jpeg", "image/gif", "image/webp"}
