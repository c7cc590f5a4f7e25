"""Logins held on the server: opened at login, closed at logout, all ended at once when needed.

A session cookie names the account, its session version and a random secret
(:meth:`wiki.auth.models.User.get_id`); the server keeps a hash of the secret
(:class:`wiki.auth.models.LoginSession`). A cookie is honoured only while its
row exists: logging out deletes it, "log out everywhere" and a password
change delete them all (and bump the version, for cookies of older
releases). Service layer: the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.auth.models import LoginSession
from wiki.auth.models import User
from wiki.db import utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_login(db: Session, user: User, *, lifetime: timedelta) -> str:
    """Open a login for ``user`` and return its secret (set on ``user`` for the cookie).

    Logins of this account older than ``lifetime`` (no cookie lives longer) are removed.
    """
    db.execute(
        delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.created_at < utcnow() - lifetime)
    )
    token = secrets.token_urlsafe(24)
    db.add(LoginSession(user_id=user.id, token_hash=_hash(token)))
    user.login_token = token
    return token


def close_login(db: Session, session_id: str) -> None:
    """Close the login a session cookie names (logout): that cookie opens nothing from now on."""
    user_id, _version, token = _parts(session_id)
    if user_id is not None and token:
        db.execute(delete(LoginSession).where(LoginSession.user_id == user_id, LoginSession.token_hash == _hash(token)))


def end_all_logins(db: Session, user: User) -> None:
    """Close every login of ``user`` (log out everywhere, password change, account disabled)."""
    user.session_version += 1
    db.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


def user_of(db: Session, session_id: str) -> User | None:
    """Return the active account a session cookie names, if its login is still open."""
    user_id, version, token = _parts(session_id)
    if user_id is None or not token:
        return None
    user = db.scalars(
        select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == user_id, LoginSession.token_hash == _hash(token))
    ).first()
    if user is None or not user.is_active or user.session_version != version:
        return None
    user.login_token = token
    return user


def _parts(session_id: str) -> tuple[int | None, int, str]:
    user_id, _, rest = (session_id or "").partition(".")
    version, _, token = rest.partition(".")
    if not user_id.isdigit() or not version.isdigit() or len(token) > 64:
        return None, 0, ""
    return int(user_id), int(version), token
