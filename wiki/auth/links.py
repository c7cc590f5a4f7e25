"""Signed links sent by e-mail: password reset and address verification.

A link carries an itsdangerous signature (``SECRET_KEY``, one salt per
purpose) and its creation time, so it expires. It is also single-use by
construction: a reset link is bound to a fingerprint of the account's
password hash, session version and verified address, which the reset itself
changes; a verification link names the pending address, which the
verification clears. No table of used tokens is needed. No request globals.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from itsdangerous import BadSignature
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.orm import Session

from wiki.auth.models import User

#: HOSTILE_INPUTS 95: a reset link lives at most one hour.
RESET_MAX_AGE = timedelta(hours=1)
#: A verification link lives two days (mail can be slow, people read it later).
VERIFY_MAX_AGE = timedelta(days=2)
_RESET_SALT = "lieudit.password-reset"
_VERIFY_SALT = "lieudit.email-verification"
#: Longest token accepted (a signed payload is about 100 characters).
MAX_TOKEN = 500


class InvalidLink(Exception):
    """The link is forged, expired, already used or no longer matches the account."""


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt)


def _fingerprint(user: User) -> str:
    """What a reset changes: the password hash, the session version and the verified address."""
    material = f"{user.password_hash}\0{user.session_version}\0{user.email or ''}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:24]


def _load(secret: str, salt: str, token: str, max_age: timedelta) -> dict[str, Any]:
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        raise InvalidLink(token)
    try:
        payload = _serializer(secret, salt).loads(token, max_age=int(max_age.total_seconds()))
    except BadSignature as err:  # SignatureExpired is a BadSignature
        raise InvalidLink(token) from err
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise InvalidLink(token)
    return payload


def reset_token(user: User, secret: str) -> str:
    """Return a signed password-reset token for ``user``."""
    return str(_serializer(secret, _RESET_SALT).dumps({"u": user.id, "f": _fingerprint(user)}))


def user_of_reset_token(db: Session, token: str, secret: str, *, max_age: timedelta = RESET_MAX_AGE) -> User:
    """Return the account a reset token is for.

    :raises InvalidLink: bad signature, expired, or the account changed since (already used).
    """
    payload = _load(secret, _RESET_SALT, token, max_age)
    user = db.get(User, payload["u"])
    if user is None or not user.is_active or not user.email:
        raise InvalidLink(token)
    if not hmac.compare_digest(str(payload.get("f", "")), _fingerprint(user)):
        raise InvalidLink(token)
    return user


def verification_token(user: User, address: str, secret: str) -> str:
    """Return a signed token confirming that ``user`` receives mail at ``address``."""
    return str(_serializer(secret, _VERIFY_SALT).dumps({"u": user.id, "e": address}))


def user_of_verification_token(
    db: Session, token: str, secret: str, *, max_age: timedelta = VERIFY_MAX_AGE
) -> tuple[User, str]:
    """Return the account and the address a verification token confirms.

    :raises InvalidLink: bad signature, expired, or the address is no longer the one waiting (already used).
    """
    payload = _load(secret, _VERIFY_SALT, token, max_age)
    user = db.get(User, payload["u"])
    address = payload.get("e")
    if user is None or not user.is_active or not isinstance(address, str) or user.email_pending != address:
        raise InvalidLink(token)
    return user, address
