"""Wiki-parties: open one, join it with its code, tick its goals, close its guests' logins after the end.

An organiser (a moderator or an admin: :func:`wiki.auth.permissions.can_organise_party`)
opens a party with a title, a day and hours, a place, a default commune and a
checklist of goals. A participant joins with the party's short code and a
pseudonym: :func:`join` creates a guest account (a contributor without
e-mail, whose password nobody knows) that lives for the party's hours; the
web layer logs it in. After the end, :func:`close_ended` closes the guests'
logins. Service layer: no request globals; the caller commits.
"""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.auth import permissions
from wiki.auth import services as accounts
from wiki.auth import sessions
from wiki.auth.models import User
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.parties.models import Party
from wiki.parties.models import PartyGoal
from wiki.parties.models import PartyGuest

#: Letters and digits nobody confuses when read aloud or typed: no 0/O/Q, 1/I/L, 2/Z, 5/S, 8/B, 6/G.
ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
CODE_LENGTH = 6
#: Guests may join this long before the start (to settle in, create nothing yet).
EARLY_JOIN = timedelta(minutes=30)
MAX_GOALS = 20
#: A goal read as a count: « ajouter 10 lieux », « créer 3 pages », « 5 fiches ».
_COUNT = re.compile(r"(\d{1,4})\s+(?:nouveaux?\s+|nouvelles?\s+)?([^\W\d_]+)", re.IGNORECASE)
#: Words of a count goal, and what they count (a form key, ``page``, or ``*`` for any record).
COUNTED: dict[str, str] = {
    "lieu": "lieu", "lieux": "lieu", "place": "lieu", "places": "lieu",
    "evenement": "evenement", "evenements": "evenement", "rendez-vous": "evenement",
    "initiative": "initiative", "initiatives": "initiative",
    "structure": "structure", "structures": "structure", "association": "structure", "associations": "structure",
    "page": "page", "pages": "page",
    "fiche": "*", "fiches": "*",
}  # fmt: skip


@dataclass(frozen=True)
class PartyInput:
    """What the organiser typed to open a party (local day and hours)."""

    title: str
    day: str
    start: str
    end: str
    place: str = ""
    commune: str = ""
    goals: str = ""


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))


def normalise_code(raw: str) -> str:
    """The code as stored, from what a person typed (case, spaces and dashes ignored)."""
    return re.sub(r"[^A-Z0-9]", "", (raw or "").upper())[:12]


def display_code(code: str) -> str:
    """The code as shown and read aloud: two groups of three (``K7M 3PX``)."""
    return f"{code[:3]} {code[3:]}" if len(code) == 6 else code


def new_code(db: Session) -> str:
    """A fresh short code no party has."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if db.scalar(select(func.count()).select_from(Party).where(Party.code == code)) == 0:
            return code


def parse_goal(label: str) -> tuple[str, int]:
    """What a goal counts and how many (``("lieu", 10)`` for « ajouter 10 lieux »), or ``("", 0)``."""
    match = _COUNT.search(label)
    if match:
        counted = COUNTED.get(_plain(match.group(2)))
        if counted:
            return counted, int(match.group(1))
    return "", 0


def _moment(day: date, text: str, zone: ZoneInfo) -> datetime | None:
    try:
        clock = time.fromisoformat(text.strip()[:8])
    except ValueError:
        return None
    return datetime.combine(day, clock, tzinfo=zone)


def open_party(db: Session, data: PartyInput, *, actor: Any, timezone: str) -> Party:
    """Open a party from the organiser's form; its goals are one per line.

    :raises Forbidden: the actor may not organise parties.
    :raises ValidationError: a missing title, a bad day or hours (errors keyed by field).
    """
    if not permissions.can_organise_party(actor):
        raise Forbidden(str(_l("Seuls les modérateurs et les administrateurs organisent des wiki-parties.")))
    errors: dict[str, str] = {}
    title = " ".join(data.title.split())[:200]
    if not title:
        errors["title"] = str(_l("Donnez un titre à l’atelier."))
    zone = ZoneInfo(timezone)
    try:
        day = date.fromisoformat(data.day.strip()[:10])
    except ValueError:
        day = None
        errors["day"] = str(_l("Indiquez le jour de l’atelier (AAAA-MM-JJ)."))
    starts = _moment(day, data.start, zone) if day else None
    ends = _moment(day, data.end, zone) if day else None
    if day and starts is None:
        errors["start"] = str(_l("Indiquez l’heure de début (HH:MM)."))
    if day and ends is None:
        errors["end"] = str(_l("Indiquez l’heure de fin (HH:MM)."))
    if starts and ends and ends <= starts:
        errors["end"] = str(_l("L’atelier doit finir après son début."))
    lines = [" ".join(line.split())[:200] for line in data.goals.splitlines() if line.strip()]
    if len(lines) > MAX_GOALS:
        errors["goals"] = str(_l("Au plus %(num)d objectifs.", num=MAX_GOALS))
    if errors or starts is None or ends is None:
        raise ValidationError(str(_l("L’atelier n’a pas pu être créé.")), errors)
    party = Party(
        code=new_code(db),
        title=title,
        place=" ".join(data.place.split())[:200],
        commune=data.commune.strip()[:16],
        starts_at=starts.astimezone(ZoneInfo("UTC")),
        ends_at=ends.astimezone(ZoneInfo("UTC")),
        organiser_id=actor.id,
    )
    db.add(party)
    db.flush()
    for position, label in enumerate(lines):
        count_of, target = parse_goal(label)
        db.add(PartyGoal(party_id=party.id, position=position, label=label, count_of=count_of, target=target))
    db.flush()
    db.refresh(party)
    return party


def get_party(db: Session, code: str) -> Party:
    """The party of a code (as typed or as stored).

    :raises NotFound: no party has it.
    """
    party = db.scalar(select(Party).where(Party.code == normalise_code(code)))
    if party is None:
        raise NotFound(str(_l("Aucun atelier n’a ce code. Vérifiez-le auprès des animateurs.")))
    return party


def recent_parties(db: Session, limit: int = 50) -> list[Party]:
    """Parties, the latest first."""
    return list(db.scalars(select(Party).order_by(Party.starts_at.desc()).limit(limit)))


def is_open(party: Party, now: datetime | None = None) -> bool:
    """Tell whether guests may join and edit now (from a little before the start to the end)."""
    now = now or utcnow()
    return party.starts_at - EARLY_JOIN <= now < party.ends_at


def guests(db: Session, party: Party) -> list[PartyGuest]:
    """The party's participants, in the order they joined."""
    return list(db.scalars(select(PartyGuest).where(PartyGuest.party_id == party.id).order_by(PartyGuest.id)))


def guest_ids(db: Session, party: Party) -> list[int]:
    """The accounts of the party's participants."""
    return list(db.scalars(select(PartyGuest.user_id).where(PartyGuest.party_id == party.id)))


def guest_account_names(db: Session, party: Party) -> list[str]:
    """The account names of the party's participants (what the mass rollback screen takes)."""
    ids = guest_ids(db, party)
    return list(db.scalars(select(User.name).where(User.id.in_(ids or [-1])).order_by(User.id)))


def join(
    db: Session, party: Party, pseudonym: str, *, settings: accounts.Settings, now: datetime | None = None
) -> User:
    """Make a guest account for ``pseudonym`` in ``party`` and return it (the web layer logs it in).

    The account is a contributor named « <pseudonym> - atelier <code> », with no
    e-mail and a random password nobody is told: it can only be used through
    this login, which closes with the party.

    :raises ValidationError: the party is not open, or the pseudonym is invalid or taken in this party.
    """
    if not is_open(party, now):
        raise ValidationError(str(_l("Cet atelier n’accueille pas de participants en ce moment.")))
    cleaned = " ".join((pseudonym or "").split())
    if not re.fullmatch(r"[\w' .-]{2,32}", cleaned) or "_" in cleaned:
        message = str(_l("Un pseudonyme de 2 à 32 caractères : lettres, chiffres, espaces, apostrophes ou tirets."))
        raise ValidationError(message, {"pseudonym": message})
    name = f"{cleaned} - atelier {party.code}"
    if accounts.find_user(db, name) is not None:  # compared without case nor accents, as account names are
        message = str(_l("Quelqu’un a déjà pris ce pseudonyme dans cet atelier : choisissez-en un autre."))
        raise ValidationError(message, {"pseudonym": message})
    try:
        user = accounts.create_user(db, name=name, password=secrets.token_urlsafe(24), settings=settings)
    except ValidationError as err:
        message = str(_l("Ce pseudonyme ne convient pas : choisissez-en un autre."))
        raise ValidationError(message, {"pseudonym": message}) from err
    db.add(PartyGuest(party_id=party.id, user_id=user.id, pseudonym=cleaned))
    db.flush()
    return user


def party_of_guest(db: Session, user_id: int) -> Party | None:
    """The party a guest account belongs to (None for any other account)."""
    return db.scalar(
        select(Party).join(PartyGuest, PartyGuest.party_id == Party.id).where(PartyGuest.user_id == user_id)
    )


def end_guest(db: Session, user: User) -> None:
    """Close every login of a guest whose party is over; the account stays, with its contributions."""
    sessions.end_all_logins(db, user)


def close_ended(db: Session, *, now: datetime | None = None) -> int:
    """Close the logins of the guests of every party that ended; return how many parties were closed."""
    now = now or utcnow()
    ended = list(db.scalars(select(Party).where(Party.ends_at <= now, Party.closed_at.is_(None))))
    for party in ended:
        for user in db.scalars(select(User).where(User.id.in_(guest_ids(db, party)))):
            sessions.end_all_logins(db, user)
        party.closed_at = now
    db.flush()
    return len(ended)


def tick_goal(db: Session, party: Party, goal_id: int, done: bool, *, actor: Any) -> PartyGoal:
    """Tick a goal by hand, or untick it.

    :raises Forbidden: the actor may not organise parties.
    :raises NotFound: the party has no such goal.
    """
    if not permissions.can_organise_party(actor):
        raise Forbidden(str(_l("Seuls les animateurs cochent les objectifs.")))
    goal = db.get(PartyGoal, goal_id) if 0 < goal_id < 2**31 else None
    if goal is None or goal.party_id != party.id:
        raise NotFound(str(_l("Cet objectif n’existe pas.")))
    goal.done_at = utcnow() if done else None
    db.flush()
    return goal


def qr_svg(url: str) -> str:
    """A printable QR code (SVG) of ``url``: black modules on white, a quiet zone, a title for screen readers."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", scale=8, border=4, dark="#000", light="#fff", title=str(_l("Rejoindre l’atelier")), nl=False
    )
    return out.getvalue().decode("utf-8")
