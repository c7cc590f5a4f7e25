"""Accounts: the ``User`` table, the role ladder and personal API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from wiki.db import Base
from wiki.db import utcnow

#: Roles from least to most powerful; an account has exactly one.
ROLES: tuple[str, ...] = ("visitor", "contributor", "moderator", "admin")


class User(Base):
    """A person's account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Name as typed, shown to others.
    name: Mapped[str] = mapped_column(String(64))
    #: Case- and accent-insensitive key of ``name``, unique, used to log in.
    name_key: Mapped[str] = mapped_column(String(64), unique=True)
    #: A verified address (or one an administrator set): the only one mail is ever sent to.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    #: An address typed but not yet confirmed: used for nothing but its verification link.
    email_pending: Mapped[str | None] = mapped_column(String(254))
    #: When a reset or verification link was last mailed on request, to mail at most one every few minutes.
    link_sent_at: Mapped[datetime | None]
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="contributor")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    #: Bumped on "log out everywhere" and password change: every older session dies.
    session_version: Mapped[int] = mapped_column(default=1)
    #: Consecutive failed logins, for the per-account back-off.
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    #: When the account was erased (RGPD, :mod:`wiki.privacy.erasure`): name pseudonymised, no e-mail, no login.
    erased_at: Mapped[datetime | None]
    #: Set by an admin: this account publishes directly under pre-moderation
    #: (:func:`wiki.auth.permissions.is_trusted`).
    trusted: Mapped[bool] = mapped_column(default=False)

    # Flask-Login protocol
    is_authenticated = True
    is_anonymous = False

    #: The secret of the login being opened (:func:`wiki.auth.sessions.open_login`), never stored.
    login_token: str = ""

    def get_id(self) -> str:
        """Return the session identifier: id, session version and this login's secret."""
        return f"{self.id}.{self.session_version}.{self.login_token}"

    def has_role(self, role: str) -> bool:
        """Tell whether this account has ``role`` or a higher one."""
        return self.is_active and ROLES.index(self.role) >= ROLES.index(role)


class ApiToken(Base):
    """A personal API token: only a SHA-256 of the secret is stored.

    The secret is shown once, at creation; ``prefix`` (its first characters)
    lets the owner recognise it in lists and logs.
    """

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The owner's label ("script de la médiathèque").
    name: Mapped[str] = mapped_column(String(100))
    #: First characters of the token, shown to recognise it.
    prefix: Mapped[str] = mapped_column(String(16))
    #: Hex SHA-256 of the whole token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    #: False: a read-only token (GET only), for dashboards and harvesters.
    can_write: Mapped[bool] = mapped_column(default=True)

    user: Mapped[User] = relationship(lazy="joined")


class LoginSession(Base):
    """One open login of an account: the server's half of a session cookie.

    Logging out deletes it, so a copy of the cookie replayed after logout
    opens nothing. Only a hash of the cookie's secret is kept. Sessions are
    not content: never dumped (a loaded instance starts logged out).
    """

    __tablename__ = "login_sessions"
    __table_args__ = ({"info": {"dumped": False, "cache_neutral": True}},)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginFailure(Base):
    """A wrong password given for an account from one client (a keyed hash of its address, never the address).

    Back-off applies to the (account, client) pair, so that strangers guessing
    a password never lock the owner out; a slower per-account limit
    (``User.failed_logins``) bounds guessing spread over many clients. Rows
    older than the longest back-off are deleted as new ones come.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_user_id_client", "user_id", "client"),
        {"info": {"dumped": False, "cache_neutral": True}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
