"""Personal API tokens: create, check, list and revoke.

A token is ``ldt_`` followed by 32 random bytes in URL-safe base64. Only its
SHA-256 is stored (a stolen database gives no usable token) with a short
visible prefix to recognise it; the secret itself is shown once. A token
acts as its owner with the owner's current role: demoting or blocking the
account limits or disables its tokens at once. No request globals here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from wiki.auth.models import ApiToken
from wiki.auth.models import User
from wiki.db import utcnow
from wiki.errors import NotFound
from wiki.errors import ValidationError

TOKEN_PREFIX = "ldt_"
MAX_NAME = 100
#: Tokens a single account may hold at once (revoked ones excluded).
MAX_TOKENS_PER_USER = 50
#: ``last_used_at`` is written at most this often (one write per request would
#: turn every API read into a write).
LAST_USED_GRANULARITY = timedelta(minutes=5)


@dataclass(frozen=True)
class NewToken:
    """A token just created: ``secret`` is shown once and never stored."""

    token: ApiToken
    secret: str


def hash_token(secret: str) -> str:
    """Return the stored form of a token (hex SHA-256)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise ValidationError(
            str(_l("Nom du jeton invalide.")),
            {"name": str(_l("Donnez au jeton un nom de 1 à %(max)d caractères.", max=MAX_NAME))},
        )
    return cleaned


def create_token(
    db: Session, user: User, name: str, *, expires_in_days: int | None = None, can_write: bool = True
) -> NewToken:
    """Create a token for ``user`` and return it with its secret.

    ``can_write=False`` makes a read-only token.

    :raises ValidationError: empty or too long name, bad lifetime, too many tokens.
    """
    label = _clean_name(name)
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise ValidationError(str(_l("Durée de validité invalide.")), {"expires": str(_l("Entre 1 et 3650 jours."))})
    if len(active_tokens(db, user)) >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            str(_l("Trop de jetons actifs : révoquez-en un d'abord.")),
            {"name": str(_l("Trop de jetons actifs : révoquez-en un d'abord."))},
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        user_id=user.id,
        name=label,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(secret),
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
        can_write=can_write,
    )
    db.add(token)
    db.flush()
    return NewToken(token=token, secret=secret)


def is_usable(token: ApiToken, now: datetime) -> bool:
    """Tell whether a token is neither revoked, expired nor of a blocked account."""
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return False
    return bool(token.user.is_active)


def authenticate_token(db: Session, secret: str, *, now: datetime | None = None) -> ApiToken | None:
    """Return a usable token (``token.user`` is the account it acts for), or None.

    Only reads: the caller records the use afterwards (``use_to_record``, ``record_use``),
    so that checking a token never takes the database's write lock.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    now = now or utcnow()
    digest = hash_token(secret)
    token = db.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    # The lookup is by hash (no timing oracle on the secret); compare again
    # in constant time anyway.
    if token is None or not hmac.compare_digest(token.token_hash, digest) or not is_usable(token, now):
        return None
    return token


def use_to_record(token: ApiToken, now: datetime) -> bool:
    """Tell whether the token's last recorded use is old enough to record this one."""
    return token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY


def record_use(db: Session, token_id: int, now: datetime) -> None:
    """Record that a token was used at ``now``, unless a use was recorded less than ``LAST_USED_GRANULARITY`` ago.

    One conditional UPDATE: concurrent requests with the same token write it once.
    """
    db.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - LAST_USED_GRANULARITY),
        )
        .values(last_used_at=now)
    )


def list_tokens(db: Session, user: User) -> list[ApiToken]:
    """Return the account's tokens, newest first (revoked ones included)."""
    return list(
        db.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def active_tokens(db: Session, user: User, *, now: datetime | None = None) -> list[ApiToken]:
    """Return the account's tokens that still work."""
    now = now or utcnow()
    return [t for t in list_tokens(db, user) if is_usable(t, now)]


def revoke_token(db: Session, user: User, token_id: int) -> ApiToken:
    """Revoke one of the account's tokens (kept in the list as revoked).

    :raises NotFound: no such token of this account.
    """
    token = db.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(str(_l("Ce jeton n'existe pas.")))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token
