"""Mass rollback, first half: what undoing one account, one anonymous session or one time window means.

The activity log knows who made each change, anonymous sessions included
(``Activity.session_key``), so a *target* (an account, a pseudonym's
sessions, a window ``[since, until)``, or their intersection) selects the
"bad" changes. :func:`plan_rollback` reads, set-wise, what they touched and
decides, per object, one step:

- a page: back to its last revision before the first bad one (``revert``);
  a page the target created is deleted, restorably (``delete``). When someone
  else edited the page after the target's last change, their edit is kept:
  the target's changes are taken out by a three-way merge computed here
  (``merge``); when that overlaps, or when others' edits sit between the
  target's, the page is left alone and reported (``conflict``).
- a record (map features are records with a geometry): ``revert`` or
  ``delete`` likewise; later edits by others make it a ``conflict`` (status
  changes and "still valid" checks by moderators do not count).
- a form's definition: ``revert`` (forms the target created are reported).
- a file the target attached to a page: ``remove`` (the file stays, restorable).

Planning only reads and computes (merges included), so no transaction waits
on it; :mod:`wiki.activity.rollback_apply` then writes the steps briefly.
Service layer: no request globals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki import textdiff
from wiki.activity import pseudonyms
from wiki.activity.models import Activity
from wiki.auth import services as accounts
from wiki.pages.models import Attachment
from wiki.pages.models import Page
from wiki.pages.models import PageRevision
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.revisions import Revision

#: Ids per ``IN (...)`` list, well under every database's parameter limit.
CHUNK = 500
#: Later record revisions by others that do not count as their work to keep.
HOUSEKEEPING = ("status", "verify")


@dataclass(frozen=True)
class Target:
    """Whose changes to undo: accounts, anonymous sessions, a window, or their intersection.

    ``pseudonym`` names the sessions publicly; the session keys themselves
    are secrets that never leave the server.
    """

    #: Accounts (any of them); an unknown name is kept as id -1, which matches nothing.
    user_ids: tuple[int, ...] = ()
    user_names: tuple[str, ...] = ()
    session_keys: tuple[str, ...] = ()
    pseudonym: str = ""
    since: datetime | None = None
    until: datetime | None = None

    @property
    def empty(self) -> bool:
        """Tell whether nothing selects changes (a rollback needs at least one criterion)."""
        return not self.user_ids and not self.pseudonym and self.since is None and self.until is None

    def conditions(self) -> list[Any]:
        """SQL conditions on ``Activity`` selecting the target's changes."""
        out: list[Any] = []
        if self.user_ids:
            out.append(Activity.actor_id.in_(self.user_ids))
        if self.pseudonym:
            out.append(Activity.session_key.in_(self.session_keys or ("",)))
        if self.since is not None:
            out.append(Activity.created_at >= self.since)
        if self.until is not None:
            out.append(Activity.created_at < self.until)
        return out

    def public(self) -> dict[str, str]:
        """The target as public text fields (account name, pseudonym, window), never a session key."""
        out = {"auteur": ", ".join(self.user_names), "anonyme": self.pseudonym}
        out["depuis"] = self.since.isoformat(timespec="minutes") if self.since else ""
        out["jusqua"] = self.until.isoformat(timespec="minutes") if self.until else ""
        return {k: v for k, v in out.items() if v}


@dataclass
class Step:
    """What the rollback does to one object."""

    kind: str
    object_id: int
    title: str
    key: str
    #: revert, delete, merge, remove, or conflict (left alone).
    action: str
    #: The revision number made current again (revert), or None.
    to_number: int | None = None
    #: The object's current revision number when planned: the step is skipped if it moved since.
    seen_number: int | None = None
    #: How many of the target's changes this step undoes.
    changes: int = 0
    #: The merged text of a ``merge`` step.
    body: str | None = None
    #: Why a step is a conflict (French, shown to moderators).
    note: str = ""
    #: The page's title before the first bad change, when the target renamed it (renamed back).
    old_title: str = ""


@dataclass
class Plan:
    """Every step of a rollback, computed before anything is written."""

    target: Target
    steps: list[Step] = field(default_factory=list)

    @property
    def changes(self) -> int:
        """How many of the target's changes the plan undoes."""
        return sum(s.changes for s in self.steps if s.action != "conflict")

    @property
    def conflicts(self) -> list[Step]:
        """The objects left alone, with the reason."""
        return [s for s in self.steps if s.action == "conflict"]

    def count(self, kind: str) -> int:
        """How many objects of ``kind`` the plan changes."""
        return sum(1 for s in self.steps if s.kind == kind and s.action != "conflict")


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    """Split ids into lists of at most ``CHUNK``."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _bad_numbers(db: Session, target: Target, kind: str) -> dict[int, set[int]]:
    """The target's revision numbers, by object id, for one kind of object."""
    rows = db.execute(
        select(Activity.object_id, Activity.revision_number).where(
            Activity.kind == kind, Activity.revision_number.is_not(None), *target.conditions()
        )
    )
    out: dict[int, set[int]] = defaultdict(set)
    for object_id, number in rows:
        if number is not None:
            out[object_id].add(number)
    return out


def _moment(raw: str | None, zone: ZoneInfo) -> datetime | None:
    """A date and time typed in a form (``2026-12-07T14:30``, local time of ``zone``), as aware UTC."""
    try:
        moment = datetime.fromisoformat((raw or "").strip()[:32])
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)


def read_target(db: Session, args: Mapping[str, str], *, secret: Any, timezone: str = "UTC") -> Target:
    """Build the target named by query ``args``: ``auteur`` (account names, comma-separated), ``anonyme`` (pseudonym),
    ``depuis`` and ``jusqua`` (local date and time in ``timezone``).

    An unknown account or pseudonym gives a target that selects nothing, never everything.
    """
    zone = ZoneInfo(timezone)
    ids: list[int] = []
    names: list[str] = []
    for name in dict.fromkeys(n.strip() for n in (args.get("auteur") or "").split(",")[:50] if n.strip()):
        user = accounts.find_user(db, name[:64])
        ids.append(user.id if user else -1)
        names.append(user.name if user else name[:64])
    keys: tuple[str, ...] = ()
    alias = ""
    raw_alias = (args.get("anonyme") or "").strip().lower()[:16]
    if raw_alias:
        alias, keys = raw_alias, tuple(pseudonyms.session_keys_for(db, secret, raw_alias))
    return Target(
        tuple(ids), tuple(names), keys, alias, _moment(args.get("depuis"), zone), _moment(args.get("jusqua"), zone)
    )


def plan_rollback(db: Session, target: Target) -> Plan:
    """Read what the target did and decide each object's step (nothing is written)."""
    plan = Plan(target)
    if target.empty:
        return plan
    plan.steps.extend(_page_steps(db, target))
    plan.steps.extend(_record_steps(db, target))
    plan.steps.extend(_form_steps(db, target))
    plan.steps.extend(_attachment_steps(db, target))
    return plan


def _split(bad: set[int], numbers: dict[int, Any], ignore: Iterable[int] = ()) -> tuple[int, list[int]]:
    """The first bad number, and the later numbers that are not the target's (others' work)."""
    first = min(bad)
    skip = set(ignore)
    return first, [n for n in numbers if n > first and n not in bad and n not in skip]


def _page_steps(db: Session, target: Target) -> list[Step]:
    """One step per page the target revised."""
    bad = _bad_numbers(db, target, "page")
    steps: list[Step] = []
    for ids in _chunks(bad):
        pages = {p.id: p for p in db.scalars(select(Page).where(Page.id.in_(ids)))}
        numbers: dict[int, dict[int, int]] = defaultdict(dict)
        titles: dict[int, str] = {}
        first_of = {pid: min(bad[pid]) for pid in ids}
        rows = db.execute(
            select(PageRevision.page_id, PageRevision.number, PageRevision.id, PageRevision.title).where(
                PageRevision.page_id.in_(ids)
            )
        )
        for page_id, number, rev_id, title in rows:
            if number >= first_of[page_id] - 1:
                numbers[page_id][number] = rev_id
            if number == first_of[page_id] - 1:
                titles[page_id] = title
        for page_id in ids:
            page = pages.get(page_id)
            if page is None or page.current_revision is None:
                continue
            step = _page_step(db, page, bad[page_id], numbers[page_id])
            if step.action in ("revert", "merge") and titles.get(page_id, page.title) != page.title:
                step.old_title = titles[page_id]
            steps.append(step)
    return steps


def _page_step(db: Session, page: Page, bad: set[int], numbers: dict[int, int]) -> Step:
    """Decide what to do with one page."""
    current = page.current_revision
    assert current is not None
    first, others = _split(bad, numbers)
    step = Step("page", page.id, page.title, page.slug, "revert", first - 1, current.number, len(bad))
    if page.is_deleted:
        step.action, step.note = "conflict", str(_l("page déjà supprimée"))
    elif not others:
        step.action = "delete" if first == 1 else "revert"
    elif first == 1:
        step.action, step.note = "conflict", str(_l("créée par cette personne, modifiée ensuite par d’autres"))
    elif min(others) < max(bad):
        step.action, step.note = "conflict", str(_l("des modifications d’autres personnes s’intercalent"))
    else:
        wanted = [numbers[first - 1], numbers[max(bad)]]
        rows = db.execute(select(PageRevision.number, PageRevision.body).where(PageRevision.id.in_(wanted)))
        bodies = {number: body for number, body in rows}
        merged = textdiff.merge_texts(bodies[max(bad)], bodies[first - 1], current.body)
        if merged.conflicted:
            step.action, step.note = "conflict", str(_l("modifiée ensuite par d’autres aux mêmes lignes"))
        else:
            step.action, step.body = "merge", merged.text
    return step


def _record_steps(db: Session, target: Target) -> list[Step]:
    """One step per record (map features included) the target revised."""
    bad = _bad_numbers(db, target, "record")
    steps: list[Step] = []
    for ids in _chunks(bad):
        records = {r.id: r for r in db.scalars(select(Record).where(Record.id.in_(ids)))}
        actions: dict[int, dict[int, str]] = defaultdict(dict)
        rows = db.execute(
            select(Revision.object_id, Revision.number, Revision.action).where(
                Revision.kind == "record", Revision.object_id.in_(ids)
            )
        )
        for object_id, number, action in rows:
            actions[object_id][number] = action
        for record_id in ids:
            record = records.get(record_id)
            if record is None:
                continue
            mine = bad[record_id]
            housekeeping = [n for n, a in actions[record_id].items() if a in HOUSEKEEPING]
            first, others = _split(mine, actions[record_id], housekeeping)
            step = Step(
                "record",
                record.id,
                record.title,
                str(record.id),
                "revert",
                first - 1,
                record.revision_number,
                len(mine),
            )
            if record.deleted_at is not None:
                step.action, step.note = "conflict", str(_l("fiche déjà supprimée"))
            elif others:
                step.action, step.note = "conflict", str(_l("modifiée ensuite par d’autres"))
            elif first == 1:
                step.action = "delete"
            steps.append(step)
    return steps


def _form_steps(db: Session, target: Target) -> list[Step]:
    """One step per form whose definition the target changed."""
    bad = _bad_numbers(db, target, "form")
    steps: list[Step] = []
    for ids in _chunks(bad):
        forms = {f.id: f for f in db.scalars(select(Form).where(Form.id.in_(ids)))}
        numbers: dict[int, dict[int, int]] = defaultdict(dict)
        rows = db.execute(
            select(Revision.object_id, Revision.number).where(Revision.kind == "form", Revision.object_id.in_(ids))
        )
        for object_id, number in rows:
            numbers[object_id][number] = number
        for form_id in ids:
            form = forms.get(form_id)
            if form is None:
                continue
            first, others = _split(bad[form_id], numbers[form_id])
            step = Step(
                "form", form.id, form.title, form.key, "revert", first - 1, form.revision_number, len(bad[form_id])
            )
            if first == 1:
                step.action, step.note = (
                    "conflict",
                    str(_l("formulaire créé par cette personne : à supprimer à la main")),
                )
            elif others:
                step.action, step.note = "conflict", str(_l("modifié ensuite par d’autres"))
            steps.append(step)
    return steps


def _attachment_steps(db: Session, target: Target) -> list[Step]:
    """One step per live file the target attached to a page."""
    query = (
        select(Attachment.id, Attachment.filename, Page.slug)
        .join(Page, Page.id == Attachment.page_id)
        .join(
            Activity,
            and_(
                Activity.kind == "page",
                Activity.action == "upload",
                Activity.object_id == Attachment.page_id,
                Activity.created_at == Attachment.created_at,
            ),
        )
        .where(Attachment.deleted_at.is_(None), *target.conditions())
    )
    return [Step("attachment", aid, name, slug, "remove", changes=1) for aid, name, slug in db.execute(query)]
