"""Short, stable pseudonyms of anonymous contributors.

An anonymous visitor's ``session_key`` (``wiki.auth.Visitor``) is a session
secret: it is stored with each of their changes (``Activity.session_key``)
but never shown. People see « Anonyme » followed by a pseudonym, a keyed hash
(HMAC-SHA-256 with the instance's secret key) of the session key: the same
session always gets the same pseudonym, two sessions practically never share
one, and nobody can go back from a pseudonym to the key. Service layer: the
secret is passed in by the caller.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.activity.models import Activity

#: The pseudonym alphabet and length: 8 lowercase base32 characters (40 bits).
PSEUDONYM = re.compile(r"^[a-z2-7]{8}$")
#: Separates this use of the secret key from its others (sessions, signed links).
_CONTEXT = b"lieudit:anonymous-pseudonym:"


def pseudonym(secret: str | bytes | None, session_key: str | None) -> str:
    """Return the pseudonym of ``session_key`` ("" when there is none)."""
    if not session_key:
        return ""
    key = secret.encode() if isinstance(secret, str) else (secret or b"")
    digest = hmac.new(_CONTEXT + key, session_key.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:5]).decode("ascii").lower()


def session_keys_for(db: Session, secret: str | bytes | None, name: str) -> list[str]:
    """Return the session keys whose pseudonym is ``name`` (usually one, none for a malformed name)."""
    name = name.strip().lower()
    if not PSEUDONYM.match(name):
        return []
    keys = db.scalars(select(Activity.session_key).where(Activity.session_key.is_not(None)).distinct())
    return [key for key in keys if key and hmac.compare_digest(pseudonym(secret, key), name)]


def revision_pseudonyms(db: Session, secret: str | bytes | None, kind: str, object_id: int) -> dict[int, str]:
    """Return the pseudonyms of an object's anonymous revisions, by revision number (for histories)."""
    rows = db.execute(
        select(Activity.revision_number, Activity.session_key).where(
            Activity.kind == kind,
            Activity.object_id == object_id,
            Activity.session_key.is_not(None),
            Activity.revision_number.is_not(None),
        )
    )
    return {number: pseudonym(secret, key) for number, key in rows if number is not None}
