"""Watches: follow a page, a record, a form, a theme or a commune, and read what changed there.

A target is read from plain query arguments (``page`` a slug, ``record`` an
id, ``form``, ``theme``, ``zone`` keys that combine), so a watch's Atom feed
has a public URL that holds no secret: ``/-/suivi/flux.atom?form=evenement&zone=35236``.
Feeds and digests read :func:`wiki.activity.services.recent_changes`, public
changes only: a record withdrawn, a private page or field never shows. No
request globals here (STYLE R6).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import false
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.levels import parse_zone_key
from geodata.zones import zone_names
from wiki import signals
from wiki.activity import patrol
from wiki.activity import services
from wiki.activity.models import Activity
from wiki.activity.watch_models import FREQUENCIES
from wiki.activity.watch_models import DigestState
from wiki.activity.watch_models import Watch
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.pages.models import Page
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import Theme

#: Watches one account may hold.
MAX_WATCHES = 200
#: The watch of one page by one account, asked by every logged-in view of a page.
_PAGE_WATCH = select(Watch.id).where(
    Watch.user_id == bindparam("user_id"),
    Watch.page_id == bindparam("page_id"),
    Watch.record_id.is_(None),
    Watch.form_key.is_(None),
    Watch.theme_key.is_(None),
    Watch.zone_key.is_(None),
)


@dataclass(frozen=True)
class Target:
    """What a watch follows: one page, one record, or a form, a theme and a zone combined."""

    page_id: int | None = None
    record_id: int | None = None
    form_key: str | None = None
    theme_key: str | None = None
    zone_key: str | None = None

    @classmethod
    def of(cls, watch: Watch) -> Target:
        """The target of a stored watch."""
        return cls(watch.page_id, watch.record_id, watch.form_key, watch.theme_key, watch.zone_key)


def read_target(db: Session, args: Mapping[str, str]) -> Target | None:
    """Read a target from query ``args``; None when it names nothing that exists and is public."""
    slug = (args.get("page") or "").strip()[:120]
    if slug:
        page_id = db.scalar(select(Page.id).where(Page.slug == slug, Page.deleted_at.is_(None)))
        return Target(page_id=page_id) if page_id else None
    raw = (args.get("record") or "").strip()
    if raw:
        record = db.get(Record, int(raw)) if raw.isdigit() and len(raw) < 10 else None
        public = record is not None and record.deleted_at is None and record.status in ("published", "archived")
        return Target(record_id=record.id) if record is not None and public else None
    form_key = (args.get("form") or args.get("formulaire") or "").strip()[:64] or None
    theme_key = (args.get("theme") or "").strip()[:64] or None
    zone_key = (args.get("zone") or "").strip()[:40] or None
    if form_key and not db.scalar(select(Form.id).where(Form.key == form_key, Form.deleted_at.is_(None))):
        return None
    if theme_key and not db.scalar(select(Theme.id).where(Theme.key == theme_key)):
        return None
    if zone_key and (parse_zone_key(zone_key) is None or not zone_names(db, [zone_key])):
        return None
    if not (form_key or theme_key or zone_key):
        return None
    return Target(form_key=form_key, theme_key=theme_key, zone_key=zone_key)


def query_args(db: Session, target: Target) -> dict[str, str]:
    """The query arguments that name ``target`` again (its feed's URL)."""
    if target.page_id:
        slug = db.scalar(select(Page.slug).where(Page.id == target.page_id))
        return {"page": slug or ""}
    if target.record_id:
        return {"record": str(target.record_id)}
    found = {"form": target.form_key, "theme": target.theme_key, "zone": target.zone_key}
    return {key: value for key, value in found.items() if value}


def conditions(db: Session, target: Target) -> list[Any]:
    """SQL conditions on ``Activity`` for the changes a target covers."""
    if target.page_id:
        return [and_(Activity.kind == "page", Activity.object_id == target.page_id)]
    if target.record_id:
        return [and_(Activity.kind == "record", Activity.object_id == target.record_id)]
    args = {"formulaire": target.form_key or "", "zone": target.zone_key or "", "theme": target.theme_key or ""}
    chosen = patrol.read_filter(db, args, secret=None, actor=None)
    return chosen.conditions or [false()]


def title(db: Session, target: Target) -> str:
    """A French title: « Nouveautés : Événements à Redon, thème Mobilité »."""
    if target.page_id:
        name = db.scalar(select(Page.title).where(Page.id == target.page_id)) or ""
        return str(_l("Modifications de la page « %(title)s »", title=name))
    if target.record_id:
        name = db.scalar(select(Record.title).where(Record.id == target.record_id)) or ""
        return str(_l("Modifications de la fiche « %(title)s »", title=name))
    what = str(_l("Nouveautés"))
    if target.form_key:
        form = db.scalar(select(Form.title).where(Form.key == target.form_key)) or target.form_key
        what = str(_l("Nouveautés : %(form)s", form=form))
    if target.zone_key:
        zone = zone_names(db, [target.zone_key]).get(target.zone_key, target.zone_key)
        what = str(_l("%(what)s à %(zone)s", what=what, zone=zone))
    if target.theme_key:
        theme = db.scalar(select(Theme.label).where(Theme.key == target.theme_key)) or target.theme_key
        what = str(_l("%(what)s, thème %(theme)s", what=what, theme=theme))
    return what


def changes(db: Session, targets: list[Target], *, after: int = 0, limit: int = 50) -> list[Activity]:
    """Public changes any of ``targets`` covers, newest first, later than change id ``after``."""
    if not targets:
        return []
    either = or_(*[and_(*conditions(db, target)) for target in targets])
    return services.recent_changes(db, where=[either, Activity.id > after], limit=limit)


def find(db: Session, user: Any, target: Target) -> Watch | None:
    """The user's watch of ``target``, if any."""
    return db.scalar(
        select(Watch).where(
            Watch.user_id == user.id,
            _same(Watch.page_id, target.page_id),
            _same(Watch.record_id, target.record_id),
            _same(Watch.form_key, target.form_key),
            _same(Watch.theme_key, target.theme_key),
            _same(Watch.zone_key, target.zone_key),
        )
    )


def find_id(db: Session, user: Any, target: Target) -> int | None:
    """The id of the user's watch of ``target``, if any (a page's: one statement built once, for every page view)."""
    if target == Target(page_id=target.page_id):
        return db.scalar(_PAGE_WATCH, {"user_id": user.id, "page_id": target.page_id})
    found = find(db, user, target)
    return found.id if found else None


def _same(column: Any, value: Any) -> Any:
    return column.is_(None) if value is None else column == value


def follow(db: Session, user: Any, target: Target) -> Watch:
    """Follow ``target`` (once); the caller commits.

    :raises ValidationError: the account follows too many things already.
    """
    existing = find(db, user, target)
    if existing is not None:
        return existing
    if len(list(db.scalars(select(Watch.id).where(Watch.user_id == user.id)))) >= MAX_WATCHES:
        raise ValidationError(
            str(_l("Vous suivez déjà %(n)d éléments : retirez-en avant d’en suivre d’autres.", n=MAX_WATCHES))
        )
    watch = Watch(user_id=user.id, **target.__dict__)
    db.add(watch)
    if db.get(DigestState, user.id) is None:
        newest = db.scalar(select(Activity.id).order_by(Activity.id.desc()).limit(1)) or 0
        db.add(DigestState(user_id=user.id, frequency="weekly", last_activity_id=newest))
    db.flush()
    return watch


def unfollow(db: Session, user: Any, watch_id: int) -> None:
    """Stop one of the user's watches; the caller commits.

    :raises NotFound: no such watch of this user.
    """
    watch = db.get(Watch, watch_id)
    if watch is None or watch.user_id != user.id:
        raise NotFound(str(_l("Ce suivi n’existe pas.")))
    db.delete(watch)


def watches_of(db: Session, user_id: int) -> list[Watch]:
    """A user's watches, oldest first."""
    return list(db.scalars(select(Watch).where(Watch.user_id == user_id).order_by(Watch.id)))


def digest_state(db: Session, user_id: int) -> DigestState:
    """The user's digest settings (weekly until chosen otherwise)."""
    state = db.get(DigestState, user_id)
    if state is None:
        newest = db.scalar(select(Activity.id).order_by(Activity.id.desc()).limit(1)) or 0
        state = DigestState(user_id=user_id, frequency="weekly", last_activity_id=newest)
        db.add(state)
        db.flush()
    return state


def set_frequency(db: Session, user_id: int, frequency: str) -> None:
    """Choose the digest's frequency (``none``, ``daily``, ``weekly``); the caller commits."""
    if frequency not in FREQUENCIES:
        raise ValidationError(str(_l("Fréquence inconnue.")))
    digest_state(db, user_id).frequency = frequency


def forget_user(db: Session, user_id: int) -> None:
    """Remove every watch and the digest state of an account."""
    db.execute(delete(Watch).where(Watch.user_id == user_id))
    db.execute(delete(DigestState).where(DigestState.user_id == user_id))


def on_account_erased(sender: Any, *, session: Session, user: Any, **_: Any) -> None:
    """An erased account follows nothing any more and gets no digest (``signals.account_erased``)."""
    forget_user(session, user.id)


def connect() -> None:
    """Subscribe to account erasure (idempotent: blinker keeps one copy)."""
    signals.account_erased.connect(on_account_erased)
