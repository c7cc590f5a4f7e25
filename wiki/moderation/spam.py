"""Anti-spam rules that spare groups: content rules for untrusted people, save limits per account or session.

The page services (create, save, revert) and the record services (create,
update) call :func:`check_contribution` before a change is stored or queued,
so the web forms and the API get the same rules. It raises:

- :class:`SpamRefused` when a newcomer, a guest or an anonymous visitor adds
  more than ``SPAM_MAX_NEW_LINKS`` outside links in one edit (links already in
  the text are not counted) or adds a blocked domain or phrase
  (``SPAM_BLOCKLIST`` plus the moderators' list, :mod:`wiki.moderation.spam_models`);
- :class:`RateLimited` when an account or an anonymous session saved more than
  its limit within ``RATE_WINDOW_SECONDS``.

Both are ``ValidationError``\\ s: the views show the form again with the text
and the reason, the API answers 400 or 429. Moderators are exempt from both;
trusted contributors (:func:`wiki.moderation.policy.is_trusted`) from the
content rules, and from limits unless ``RATE_LIMIT_TRUSTED`` sets one.

Limits are counted per account (``u:<id>``) and per anonymous session
(``s:<session key>``), **never per IP address**: forty people behind one
address each have their own budget. They count saves made in a request
(web or API) only: the operator's commands and scripts are not limited. Rules come from the app's settings; a
script without an app (no app context) has none. Service layer: no request globals.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask import has_app_context
from flask import has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.auth import permissions
from wiki.db import BY_KEY
from wiki.db import utcnow
from wiki.errors import ValidationError
from wiki.moderation import policy
from wiki.moderation.spam_models import BlockedPattern
from wiki.moderation.spam_models import RateEvent

#: A link to another site: with a scheme, protocol-relative, or starting with ``www.``.
_LINK = re.compile(
    r"(?:\b(?:https?|ftp)://|(?<![\w:/])//|\bwww\.)[^\s<>\"'()\[\]{}|\\^`]+",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?*_~"
#: Refusals are logged (who, which rule; never the text nor an address) so moderators can review them.
log = logging.getLogger(__name__)
_DOMAIN = re.compile(r"^[a-z0-9.-]+\.[a-z0-9-]{2,}$")


class SpamRefused(ValidationError):
    """What an untrusted person added looks like spam (too many links, a blocked domain or phrase)."""

    status = 400
    code = "spam"


class RateLimited(ValidationError):
    """Too many saves from one account or one anonymous session in the window; retry later."""

    status = 429
    code = "throttled"


@dataclass(frozen=True)
class Rules:
    """The anti-spam settings (see README, « Anti-spam »)."""

    max_new_links: int = 3
    blocklist: tuple[str, ...] = ()
    window_seconds: int = 600
    limit_anonymous: int = 10
    limit_newcomer: int = 30
    limit_trusted: int = 0
    #: A guest of an open wiki-party (``party_id`` on the account, :mod:`wiki.parties`).
    limit_party_guest: int = 120
    #: Hosts of this wiki: links to them are not outside links.
    own_hosts: tuple[str, ...] = ()


def rules_from(config: Mapping[str, Any]) -> Rules:
    """Read the rules from an app configuration."""
    own = tuple(
        h for h in (urlsplit(config.get("BASE_URL") or "").hostname, config.get("SERVER_NAME")) if isinstance(h, str)
    )
    return Rules(
        max_new_links=int(config.get("SPAM_MAX_NEW_LINKS", 3)),
        blocklist=tuple(str(p) for p in config.get("SPAM_BLOCKLIST") or ()),
        window_seconds=int(config.get("RATE_WINDOW_SECONDS", 600)),
        limit_anonymous=int(config.get("RATE_LIMIT_ANONYMOUS", 10)),
        limit_newcomer=int(config.get("RATE_LIMIT_NEWCOMER", 30)),
        limit_trusted=int(config.get("RATE_LIMIT_TRUSTED", 0)),
        limit_party_guest=int(config.get("PARTY_GUEST_RATE_LIMIT", 120)),
        own_hosts=tuple(h.split(":")[0].lower() for h in own),
    )


def current_rules() -> Rules | None:
    """The rules of the current app, or None outside an app (scripts build their own)."""
    return rules_from(current_app.config) if has_app_context() else None


def _fold(text: str) -> str:
    """Text compared without case and width tricks (fullwidth letters, ligatures)."""
    return unicodedata.normalize("NFKC", text).casefold()


def outside_links(text: str, own_hosts: Iterable[str] = ()) -> list[str]:
    """Return the links to other sites in ``text`` (Markdown, HTML or bare), normalised, in order."""
    own = {h.lower() for h in own_hosts}
    found = []
    for match in _LINK.finditer(_fold(text or "")):
        url = match.group(0).rstrip(_TRAILING)
        host = _host(url)
        if host and host not in own:
            found.append(url)
    return found


def _host(url: str) -> str:
    """The host name of a link found by ``_LINK`` (empty when it has none)."""
    if url.startswith("www."):
        url = "//" + url
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return ""
    return host if "." in host or host == "localhost" else ""


def added_links(before: str, after: str, own_hosts: Iterable[str] = ()) -> list[str]:
    """Return the outside links ``after`` has that ``before`` did not (each extra copy counts)."""
    own = tuple(own_hosts)
    extra = Counter(outside_links(after, own)) - Counter(outside_links(before, own))
    return list(extra.elements())


def added_text(before: str, after: str) -> str:
    """Return the lines of ``after`` that ``before`` does not have (what an edit wrote)."""
    extra = Counter((after or "").splitlines()) - Counter((before or "").splitlines())
    return "\n".join(extra.elements())


def blocklist(db: Session, rules: Rules) -> list[str]:
    """The blocked domains and phrases: the ``SPAM_BLOCKLIST`` setting and the moderators' list."""
    stored = db.scalars(select(BlockedPattern.pattern).order_by(BlockedPattern.pattern))
    return [p for p in (_fold(x).strip() for x in (*rules.blocklist, *stored)) if p]


def blocked_in(patterns: Iterable[str], text: str, links: Iterable[str]) -> str | None:
    """Return the first pattern found in ``text`` or in the hosts of ``links`` (None: nothing blocked).

    A domain pattern (``casino.example``) matches that host and its
    subdomains, linked or written bare; any other pattern is a phrase.
    """
    folded = _fold(text)
    hosts = {_host(link) for link in links}
    for pattern in patterns:
        if _DOMAIN.match(pattern):
            if any(h == pattern or h.endswith("." + pattern) for h in hosts):
                return pattern
            if re.search(r"(?<![\w.-])(?:[\w-]+\.)*" + re.escape(pattern) + r"(?![\w-])", folded):
                return pattern
        elif pattern in folded:
            return pattern
    return None


def check_content(db: Session, before: str, after: str, rules: Rules, *, field: str = "body") -> None:
    """Refuse an untrusted edit that adds too many outside links or a blocked domain or phrase.

    :raises SpamRefused: ``errors["body"]`` says why, in French.
    """
    links = added_links(before, after, rules.own_hosts)
    if len(links) > rules.max_new_links:
        reason = str(
            _l(
                "Votre modification ajoute %(count)d liens vers d’autres sites ; un nouveau compte ou un visiteur "
                "anonyme peut en ajouter %(num)d à la fois. Retirez-en quelques-uns, ou demandez à un modérateur.",
                count=len(links),
                num=rules.max_new_links,
            )
        )
        raise SpamRefused(str(_l("Modification refusée par le filtre anti-spam.")), {field: reason})
    found = blocked_in(blocklist(db, rules), added_text(before, after), links)
    if found:
        reason = str(
            _l(
                "Votre texte contient « %(pattern)s », que les modérateurs de ce wiki ont interdit. Retirez-le puis "
                "enregistrez à nouveau.",
                pattern=found,
            )
        )
        raise SpamRefused(str(_l("Modification refusée par le filtre anti-spam.")), {field: reason})


#: First key of the advisory locks that make a bucket's count and add one step on PostgreSQL (``check_rate``).
_RATE_LOCK = 0x5A_7E


def bucket_of(actor: Any) -> str | None:
    """The rate-limit bucket of ``actor``: its account, or its anonymous session (None: neither)."""
    if getattr(actor, "is_authenticated", False):
        return f"u:{actor.id}"
    key = getattr(actor, "session_key", None)
    return f"s:{key}" if key else None


def check_rate(
    db: Session, actor: Any, rules: Rules, *, trusted: bool, now: datetime | None = None, field: str = "body"
) -> None:
    """Count this save against the actor's limit, or refuse it when the limit is reached.

    Only saves made in a web or API request count: imports, the demo loader and
    scripts run by the operator are not limited (the content rules still apply).

    :raises RateLimited: too many saves in the window (nothing is counted then).
    """
    if not has_request_context():
        return  # the command line and the operator's scripts are not clients to slow down
    if getattr(actor, "is_authenticated", False) and getattr(actor, "party_id", None):
        limit = rules.limit_party_guest  # a guest of an open wiki-party, guided by its mentors
    elif getattr(actor, "is_authenticated", False):
        limit = rules.limit_trusted if trusted else rules.limit_newcomer
    else:
        limit = rules.limit_anonymous
    bucket = bucket_of(actor)
    if limit <= 0 or bucket is None:
        return
    now = now or utcnow()
    since = now - timedelta(seconds=rules.window_seconds)
    if db.get_bind().dialect.name == "postgresql":
        # Count and add as one step per bucket, across workers and app nodes: two saves of one client at once
        # would both count the same rows and both pass. Held to the end of the save's transaction; SQLite's
        # writers already take turns (BEGIN IMMEDIATE).
        db.execute(select(func.pg_advisory_xact_lock(_RATE_LOCK, func.hashtext(bucket))))
    done = db.scalar(
        select(func.count()).select_from(RateEvent).where(RateEvent.bucket == bucket, RateEvent.created_at > since)
    )
    if (done or 0) >= limit:
        minutes = max(1, rules.window_seconds // 60)
        reason = str(
            _l(
                "Vous avez enregistré %(count)d modifications en %(minutes)d minutes, la limite pour "
                "%(who)s. Votre texte est conservé : réessayez dans quelques minutes.",
                count=done,
                minutes=minutes,
                who=_l("un visiteur anonyme") if bucket.startswith("s:") else _l("ce compte"),
            )
        )
        raise RateLimited(str(_l("Trop de modifications en peu de temps.")), {field: reason})
    db.add(RateEvent(bucket=bucket, created_at=now))


def check_contribution(
    db: Session,
    actor: Any,
    *,
    before: str,
    after: str,
    field: str = "body",
    rules: Rules | None = None,
    now: datetime | None = None,
) -> None:
    """Apply the anti-spam rules to a change from ``before`` to ``after`` by ``actor``.

    Moderators pass; trusted contributors skip the content rules. Rules
    default to the current app's; outside an app there are none. The reason
    of a refusal is given for ``field`` (``errors[field]``).

    :raises SpamRefused: too many added links, or a blocked domain or phrase.
    :raises RateLimited: the account or session saved too often.
    """
    rules = rules or current_rules()
    if rules is None or permissions.has_role(actor, "moderator"):
        return
    trusted = getattr(actor, "is_authenticated", False) and policy.is_trusted(db, actor, now=now)
    try:
        if not trusted:
            check_content(db, before, after, rules, field=field)
        check_rate(db, actor, rules, trusted=trusted, now=now, field=field)
    except ValidationError as err:
        log.info("anti-spam refused a save by %s: %s", bucket_of(actor) or "anonymous", err.code)
        raise


def applies_to(actor: Any, rules: Rules | None = None) -> bool:
    """Whether :func:`check_contribution` checks anything of ``actor`` (not outside an app, nor a moderator)."""
    return (rules or current_rules()) is not None and not permissions.has_role(actor, "moderator")


def record_text(data: Any) -> str:
    """Flatten a record's values (texts, lists, nested mappings) into lines, for the content rules."""
    if isinstance(data, Mapping):
        return "\n".join(record_text(v) for _k, v in sorted(data.items(), key=lambda kv: str(kv[0])))
    if isinstance(data, (list, tuple)):
        return "\n".join(record_text(v) for v in data)
    return "" if data is None else str(data)


def prune_counters(db: Session, rules: Rules, *, now: datetime | None = None) -> int:
    """Delete save counters older than the window; return how many."""
    since = (now or utcnow()) - timedelta(seconds=rules.window_seconds)
    result = db.execute(delete(RateEvent).where(RateEvent.created_at <= since).execution_options(**BY_KEY))
    return int(getattr(result, "rowcount", 0) or 0)
