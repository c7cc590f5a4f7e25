"""Password reset and e-mail addresses: « mot de passe oublié », verification, change of address.

An account's ``email`` is only ever a verified address (or one an
administrator set); an address typed by a person waits in
``email_pending`` and serves for nothing but its verification link. Nothing
here tells whether an account or an address exists: a reset request, a
registration or a change of address answers the same whatever is found,
and the mail that does go out says what happened to the mailbox's owner
only (HOSTILE_INPUTS 91). Links are signed, expiring and single-use
(:mod:`wiki.auth.links`); mail leaves after the caller commits
(:mod:`wiki.mail`). No request globals: views pass the absolute links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from wiki.auth import links
from wiki.auth.models import User
from wiki.auth.services import Settings
from wiki.auth.services import create_user
from wiki.auth.services import end_all_sessions
from wiki.auth.services import find_user
from wiki.auth.services import lift_back_off
from wiki.auth.services import validate_email
from wiki.auth.services import validate_password
from wiki.db import utcnow
from wiki.errors import ValidationError
from wiki.mail.services import enqueue

DEFAULT_SETTINGS = Settings()
#: Links mailed on request (reset, verification again) to one account: at most one per this delay.
LINK_INTERVAL = timedelta(minutes=5)
#: A change of address mails its link at once, but not more often than this.
CHANGE_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class Links:
    """What mails need to name the wiki's pages: the secret that signs links and absolute URLs."""

    secret: str
    #: Absolute URL of the reset page for a token.
    reset: Callable[[str], str]
    #: Absolute URL of the verification page for a token.
    verify: Callable[[str], str]
    #: Absolute URL of the « mot de passe oublié » page.
    forgot: str


def _recently_mailed(user: User, now: datetime) -> bool:
    return user.link_sent_at is not None and now - user.link_sent_at < LINK_INTERVAL


def _masked(address: str) -> str:
    """``c•••@example.org``: enough for the owner to recognise, not to read."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


def find_for_reset(db: Session, identifier: str) -> User | None:
    """Return the active account named ``identifier`` or whose verified address it is, if it can get mail."""
    identifier = (identifier or "").strip()
    if not identifier or len(identifier) > 254:
        return None
    if "@" in identifier:
        user = db.scalar(select(User).where(User.email == identifier.lower()))
    else:
        user = find_user(db, identifier)
    if user is None or not user.is_active or not user.email:
        return None
    return user


def request_password_reset(db: Session, identifier: str, *, links_to: Links, now: datetime | None = None) -> None:
    """Mail a reset link to the verified address of the account ``identifier`` names, if any.

    Silent whatever happens (unknown account, no verified address, a link
    mailed minutes ago, no mail server): the caller answers the same.
    """
    now = now or utcnow()
    user = find_for_reset(db, identifier)
    if user is None or _recently_mailed(user, now):
        return
    token = links.reset_token(user, links_to.secret)
    body = _(
        "Bonjour,\n\n"
        "Quelqu'un (vous, sans doute) a demandé à changer le mot de passe du compte « %(name)s ».\n"
        "Pour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure :\n\n%(link)s\n\n"
        "Le lien ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce message : "
        "votre mot de passe reste le même.",
        name=user.name,
        link=links_to.reset(token),
    )
    if enqueue(db, to=user.email or "", subject=_("Choisir un nouveau mot de passe"), body=body):
        user.link_sent_at = now


def set_password(user: User, password: str, *, settings: Settings = DEFAULT_SETTINGS) -> None:
    """Give ``user`` a new password, end all their sessions and lift any login back-off.

    :raises ValidationError: unacceptable password.
    """
    user.password_hash = generate_password_hash(validate_password(password), method=settings.hash_method)
    lift_back_off(user)
    end_all_sessions(user)


def notify_password_changed(db: Session, user: User, *, links_to: Links) -> None:
    """Tell the account's verified address that its password changed (nothing without one)."""
    if not user.email:
        return
    body = _(
        "Bonjour,\n\n"
        "Le mot de passe du compte « %(name)s » vient d'être changé, et toutes ses sessions ont été fermées.\n\n"
        "Si ce n'est pas vous, choisissez-en un nouveau tout de suite :\n\n%(link)s",
        name=user.name,
        link=links_to.forgot,
    )
    enqueue(db, to=user.email, subject=_("Votre mot de passe a été changé"), body=body)


def reset_password(
    db: Session, token: str, password: str, *, links_to: Links, settings: Settings = DEFAULT_SETTINGS
) -> User:
    """Set a new password through a reset link; the link then no longer works.

    :raises links.InvalidLink: forged, expired or already used link.
    :raises ValidationError: unacceptable password.
    """
    user = links.user_of_reset_token(db, token, links_to.secret)
    set_password(user, password, settings=settings)
    user.link_sent_at = None
    notify_password_changed(db, user, links_to=links_to)
    return user


def _mail_verification(db: Session, user: User, address: str, links_to: Links) -> bool:
    """Mail the verification link for ``address``, or, if a verified account already uses it, say so to it."""
    taken = db.scalar(select(User.id).where(User.email == address, User.id != user.id))
    if taken is not None:
        body = _(
            "Bonjour,\n\n"
            "Quelqu'un a indiqué cette adresse pour un compte du wiki, mais elle est déjà celle d'un autre compte : "
            "elle n'a pas été ajoutée.\n\n"
            "Si c'est vous et que vous avez oublié le mot de passe de votre compte, demandez-en un nouveau ici :\n\n"
            "%(link)s\n\nSinon, ignorez ce message.",
            link=links_to.forgot,
        )
        return enqueue(db, to=address, subject=_("Cette adresse a déjà un compte"), body=body)
    token = links.verification_token(user, address, links_to.secret)
    body = _(
        "Bonjour,\n\n"
        "Pour confirmer que cette adresse est celle du compte « %(name)s », ouvrez ce lien dans les deux jours :\n\n"
        "%(link)s\n\n"
        "Tant qu'elle n'est pas confirmée, le wiki ne s'en sert pour rien d'autre. "
        "Si vous n'avez rien demandé, ignorez ce message.",
        name=user.name,
        link=links_to.verify(token),
    )
    return enqueue(db, to=address, subject=_("Confirmez votre adresse e-mail"), body=body)


def request_email_change(
    db: Session, user: User, address: str, *, links_to: Links, now: datetime | None = None
) -> bool:
    """Make ``address`` the account's pending address and mail it its verification link.

    The answer does not depend on whether another account uses the address.

    :returns: whether a mail was queued (False: this wiki sends no e-mail).
    :raises ValidationError: not an e-mail address, or the account's address already.
    """
    cleaned = validate_email(address)
    if cleaned is None:
        raise ValidationError(
            str(_l("Indiquez une adresse e-mail.")), {"email": str(_l("Indiquez une adresse e-mail."))}
        )
    if cleaned == user.email:
        raise ValidationError(
            str(_l("C'est déjà l'adresse de votre compte.")),
            {"email": str(_l("C'est déjà l'adresse de votre compte."))},
        )
    now = now or utcnow()
    # The page must not become a relay that mails any address at will (HOSTILE_INPUTS 118).
    if user.link_sent_at is not None and now - user.link_sent_at < CHANGE_INTERVAL:
        wait = str(_l("Un lien vient d'être envoyé : attendez une minute avant de changer encore d'adresse."))
        raise ValidationError(wait, {"email": wait})
    user.email_pending = cleaned
    user.link_sent_at = now
    return _mail_verification(db, user, cleaned, links_to)


def resend_verification(db: Session, user: User, *, links_to: Links, now: datetime | None = None) -> bool:
    """Mail the pending address its verification link again (at most one per ``LINK_INTERVAL``).

    :returns: whether a mail was queued.
    """
    now = now or utcnow()
    if not user.email_pending or _recently_mailed(user, now):
        return False
    user.link_sent_at = now
    return _mail_verification(db, user, user.email_pending, links_to)


def cancel_email_change(user: User) -> None:
    """Forget the pending address (its verification link stops working)."""
    user.email_pending = None


def confirm_email(db: Session, token: str, *, links_to: Links) -> User:
    """Make the pending address the account's address; every session of the account ends.

    The previous address, if any, is told of the change.

    :raises links.InvalidLink: forged, expired or already used link.
    :raises ValidationError: another account verified this address meanwhile.
    """
    user, address = links.user_of_verification_token(db, token, links_to.secret)
    if db.scalar(select(User.id).where(User.email == address, User.id != user.id)) is not None:
        user.email_pending = None
        raise ValidationError(str(_l("Cette adresse est déjà celle d'un autre compte.")))
    previous = user.email
    user.email = address
    user.email_pending = None
    user.link_sent_at = None  # the link served: a reset may be asked for at once
    end_all_sessions(user)
    if previous:
        body = _(
            "Bonjour,\n\n"
            "L'adresse e-mail du compte « %(name)s » est désormais %(address)s ; "
            "le wiki n'écrira plus à celle-ci.\n\n"
            "Si ce n'est pas vous, prévenez un administrateur du wiki.",
            name=user.name,
            address=_masked(address),
        )
        enqueue(db, to=previous, subject=_("L'adresse de votre compte a changé"), body=body)
    return user


def register_account(
    db: Session,
    *,
    name: str,
    password: str,
    email: str | None,
    links_to: Links,
    settings: Settings = DEFAULT_SETTINGS,
) -> User:
    """Create a contributor's account; a typed address waits for its verification like a change of address.

    Whether the address is already another account's changes nothing in the
    answer (no enumeration): that account's owner gets a mail instead.

    :raises ValidationError: bad or taken name, bad password, malformed address.
    """
    errors: dict[str, str] = {}
    try:
        address = validate_email(email)
    except ValidationError as err:
        errors.update(err.errors)
        address = None
    try:
        user = create_user(db, name=name, password=password, settings=settings)
    except ValidationError as err:
        raise ValidationError(err.message, err.errors | errors) from err
    if errors:
        raise ValidationError(str(_l("Le compte n'a pas pu être créé.")), errors)
    if address:
        request_email_change(db, user, address, links_to=links_to)
    return user
