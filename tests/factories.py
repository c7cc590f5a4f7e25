"""Plain factory functions for test data, going through the real services."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from wiki.auth import services as accounts
from wiki.auth.models import User
from wiki.pages import services as pages

FAST_HASH = accounts.Settings(hash_method="pbkdf2:sha256:1000")
PASSWORD = "motdepasse-solide"
_authors = itertools.count(1)


def make_user(
    db: Session, name: str = "Camille", *, role: str = "contributor", password: str = PASSWORD, **kw: Any
) -> User:
    """Create an account (flushed, not committed)."""
    return accounts.create_user(db, name=name, password=password, role=role, settings=FAST_HASH, **kw)


def make_page(
    db: Session,
    title: str = "Médiathèque de Redon",
    body: str = "Texte de départ.\n",
    *,
    actor: User | None = None,
    policy: str = "account",
) -> Any:
    """Create a page with one revision (flushed, not committed)."""
    actor = actor or make_user(db, f"Auteur {next(_authors)}")
    return pages.create_page(db, title=title, body=body, comment="création", actor=actor, policy=policy).page
