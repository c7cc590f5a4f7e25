"""Account services: registration, authentication with back-off, roles.

No Flask request globals here (STYLE R6): callers pass the session and the
settings they need. Back-off counts per account, never per IP, so forty
people behind a médiathèque's single address are never locked out together
(HOSTILE_INPUTS B13-113); unknown names cost the same hashing time as known
ones so timing does not reveal which accounts exist (B10-91).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import object_session
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from wiki.auth import sessions
from wiki.auth.models import ROLES
from wiki.auth.models import LoginFailure
from wiki.auth.models import User
from wiki.db import get_session
from wiki.db import utcnow
from wiki.errors import NotFound
from wiki.errors import Throttled
from wiki.errors import ValidationError

#: Passwords are accepted up to this length and hashed exactly as typed.
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
_NAME_RE = re.compile(r"^[\w][\w .'-]{1,62}[\w]$")
_URLISH = re.compile(r"(https?:|www\.|\.[a-z]{2,}\b/|[<>@/\\])", re.IGNORECASE)
#: The name of the account built-in and imported content is attributed to (:func:`system_account`).
SYSTEM_ACCOUNT = "Équipe du wiki"


@functools.cache
def _dummy_hash(method: str) -> str:
    """A valid hash made with the accounts' own method, checked when the account does not exist.

    Same method, same cost: an unknown name takes as long to refuse as a
    wrong password (a cheaper dummy told existing accounts apart, issue 17).
    """
    return generate_password_hash("not a real password", method=method)


class Anonymous:
    """The visitor who is not logged in."""

    is_authenticated = False
    is_active = False
    is_anonymous = True
    role = None
    id = None
    name = None

    @property
    def session_key(self) -> str | None:
        """Outside a request (CLI, importers) an anonymous actor has no session."""
        return None

    def get_id(self) -> None:
        """Anonymous visitors have no session identifier."""
        return None

    def has_role(self, role: str) -> bool:
        """Anonymous visitors hold no role."""
        return False


@dataclass(frozen=True)
class Settings:
    """The account settings services need from the configuration."""

    hash_method: str = "scrypt"
    #: Failures from one client before that client waits (per account).
    free_attempts: int = 5
    max_delay: int = 3600
    #: Failures from all clients together before the account itself waits.
    account_free_attempts: int = 50


def name_key(name: str) -> str:
    """Return the case- and accent-insensitive key of an account name."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", name).strip())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped.casefold())


def validate_name(name: str) -> str:
    """Return the cleaned account name or raise ``ValidationError``."""
    cleaned = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name or "").strip())
    if not _NAME_RE.match(cleaned) or _URLISH.search(cleaned):
        raise ValidationError(
            str(_l("Nom invalide.")),
            {
                "name": str(
                    _l(
                        "De 3 à 64 caractères : lettres, chiffres, espaces, apostrophes, points ou tirets ; pas d'adresse web."
                    )
                )
            },
        )
    return cleaned


def validate_password(password: str) -> str:
    """Return the password unchanged if acceptable (no trimming: ASVS 6.2)."""
    if not isinstance(password, str) or not (MIN_PASSWORD <= len(password) <= MAX_PASSWORD):
        raise ValidationError(
            str(_l("Mot de passe invalide.")),
            {"password": str(_l("Entre %(min)d et %(max)d caractères.", min=MIN_PASSWORD, max=MAX_PASSWORD))},
        )
    return password


def validate_email(email: str | None) -> str | None:
    """Return a normalised e-mail address, None when empty, or raise."""
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > 254 or not re.fullmatch(r"[^@\s<>\"'\\,;]+@[^@\s<>\"'\\,;]+\.[^@\s<>\"'\\,;]+", email):
        raise ValidationError(str(_l("Adresse e-mail invalide.")), {"email": str(_l("Adresse e-mail invalide."))})
    return email.lower()


def find_user(db: Session, name: str) -> User | None:
    """Return the account whose name matches ``name`` (insensitively)."""
    return db.scalar(select(User).where(User.name_key == name_key(name)))


def system_account(db: Session) -> User:
    """Return the account built-in, demo and command-line imported content is attributed to.

    It is created on first use, as an administrator that nobody can log in
    as: ``"!"`` never matches a password hash.
    """
    user = find_user(db, SYSTEM_ACCOUNT)
    if user is None:
        user = User(name=SYSTEM_ACCOUNT, name_key=name_key(SYSTEM_ACCOUNT), password_hash="!", role="admin")
        db.add(user)
        db.flush()
    return user


def create_user(
    db: Session,
    *,
    name: str,
    password: str,
    email: str | None = None,
    role: str = "contributor",
    settings: Settings = Settings(),
) -> User:
    """Create an account.

    :raises ValidationError: bad name, password or e-mail, or name/e-mail taken.
    """
    errors: dict[str, str] = {}
    cleaned_name = cleaned_email = None
    for field, check in (
        ("name", lambda: validate_name(name)),
        ("password", lambda: validate_password(password)),
        ("email", lambda: validate_email(email)),
    ):
        try:
            value = check()
        except ValidationError as err:
            errors.update(err.errors)
            continue
        if field == "name":
            cleaned_name = value
        elif field == "email":
            cleaned_email = value
    if role not in ROLES:
        errors["role"] = str(_l("Rôle inconnu."))
    if cleaned_name and find_user(db, cleaned_name) is not None:
        errors["name"] = str(_l("Ce nom est déjà pris."))
    if cleaned_email and db.scalar(select(func.count()).select_from(User).where(User.email == cleaned_email)):
        errors["email"] = str(_l("Cette adresse est déjà utilisée par un autre compte."))
    if errors:
        raise ValidationError(str(_l("Le compte n'a pas pu être créé.")), errors)
    user = User(
        name=cleaned_name,
        name_key=name_key(cleaned_name or ""),
        email=cleaned_email,
        password_hash=generate_password_hash(password, method=settings.hash_method),
        role=role,
    )
    db.add(user)
    db.flush()
    return user


def _delay_after(failures: int, settings: Settings) -> int:
    """Seconds to wait after ``failures`` consecutive failures (exponential)."""
    extra = failures - settings.free_attempts
    if extra < 0:
        return 0
    return min(settings.max_delay, 30 * 2 ** min(extra, 20))


def authenticate(
    db: Session,
    name: str,
    password: str,
    *,
    settings: Settings = Settings(),
    now: datetime | None = None,
    client: str = "",
) -> User:
    """Check credentials and return the account.

    ``client`` names where the attempt comes from (a keyed hash of its address):
    repeated failures make that client wait for that account only; failures
    from every client together make the account wait only far later.

    :raises ValidationError: unknown name or wrong password (same message).
    :raises Throttled: this client, or the account, is in back-off after repeated failures.
    """
    now = now or utcnow()
    user = find_user(db, name or "")
    refused = ValidationError(str(_l("Nom ou mot de passe incorrect.")))
    if user is None:
        check_password_hash(_dummy_hash(settings.hash_method), password or "")
        raise refused
    since = now - timedelta(seconds=settings.max_delay)
    mine = (LoginFailure.user_id == user.id, LoginFailure.client == client[:16])
    count, last = db.execute(
        select(func.count(), func.max(LoginFailure.created_at)).where(*mine, LoginFailure.created_at > since)
    ).one()
    pair_delay = _delay_after(count, settings)
    if (pair_delay and last is not None and _aware(last) + timedelta(seconds=pair_delay) > now) or (
        user.locked_until is not None and _aware(user.locked_until) > now
    ):
        raise Throttled(str(_l("Trop d'essais infructueux pour ce compte. Réessayez dans quelques minutes.")))
    if not check_password_hash(user.password_hash, password or "") or not user.is_active:
        db.execute(delete(LoginFailure).where(LoginFailure.user_id == user.id, LoginFailure.created_at <= since))
        db.add(LoginFailure(user_id=user.id, client=client[:16], created_at=now))
        user.failed_logins += 1
        account = Settings(free_attempts=settings.account_free_attempts, max_delay=settings.max_delay)
        delay = _delay_after(user.failed_logins, account)
        user.locked_until = now + timedelta(seconds=delay) if delay else None
        raise refused
    db.execute(delete(LoginFailure).where(*mine))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return user


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def lift_back_off(user: User) -> None:
    """Forget the failed logins of ``user`` (from every client): its owner proved who they are."""
    user.failed_logins = 0
    user.locked_until = None
    db = object_session(user)
    if db is not None:
        db.execute(delete(LoginFailure).where(LoginFailure.user_id == user.id))


def end_all_sessions(user: User) -> None:
    """Invalidate every session of ``user`` (logout everywhere): its logins are closed on the server."""
    db = object_session(user)
    if db is None:
        user.session_version += 1
    else:
        sessions.end_all_logins(db, user)


def change_password(user: User, current: str, new: str, *, settings: Settings = Settings()) -> None:
    """Change the password after checking the current one; ends other sessions.

    :raises ValidationError: wrong current password or unacceptable new one.
    """
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationError(
            str(_l("Mot de passe actuel incorrect.")), {"current": str(_l("Mot de passe actuel incorrect."))}
        )
    user.password_hash = generate_password_hash(validate_password(new), method=settings.hash_method)
    end_all_sessions(user)


def set_role(db: Session, user_id: int, role: str, *, is_active: bool = True) -> User:
    """Change an account's role and active flag.

    :raises NotFound: no such account.
    :raises ValidationError: unknown role.
    """
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(str(_l("Compte introuvable.")))
    if role not in ROLES:
        raise ValidationError(str(_l("Rôle inconnu.")))
    user.role = role
    if user.is_active and not is_active:
        end_all_sessions(user)
    user.is_active = is_active
    return user


def list_users(db: Session) -> list[User]:
    """List accounts by name."""
    return list(db.scalars(select(User).order_by(User.name_key)))


def load_session_user(session_id: str) -> User | None:
    """Flask-Login loader: the account whose login (:mod:`wiki.auth.sessions`) is still open."""
    return sessions.user_of(get_session(), session_id)


def account_names(db: Session, ids: Iterable[int]) -> dict[int, str]:
    """Return the names of the accounts of ``ids`` (authors of revisions), by id; unknown ids are left out."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return dict(db.execute(select(User.id, User.name).where(User.id.in_(wanted))).all())
