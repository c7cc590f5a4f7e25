"""The pages of a YesWiki import: each version converted, the page found again on a re-run, redirects; and the
summary of what was not carried over.

Used by :class:`importers.yeswiki.YeswikiImporter`. Every version of a page
is converted (:func:`importers.yeswiki_syntax.to_markdown`) with the run's
forms (for Bazar views), its records (an entry's name links to its record)
and the names of the imported pages (a WikiName links only to a page that
exists); what the newest version kept as notes is tallied for the summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy.orm import Session

from importers.base import Item
from importers.base import Link
from importers.base import Refused
from importers.base import Written
from importers.base import error_text
from importers.yeswiki_actions import FormRef
from importers.yeswiki_source import Page
from importers.yeswiki_source import Site
from importers.yeswiki_syntax import to_markdown
from wiki.db import utcnow
from wiki.errors import LieuditError
from wiki.markup import MAX_MARKUP_BYTES
from wiki.markup import slugify
from wiki.pages import services as pages

EXAMPLES = 8


@dataclass
class State:
    """What a run learns while writing: chosen keys, forms, records made of entries, and tallies."""

    list_keys: dict[str, str] = field(default_factory=dict)
    list_values: dict[str, dict[str, str]] = field(default_factory=dict)  # list -> Bazar key -> our value
    form_keys: dict[str, str] = field(default_factory=dict)
    form_refs: dict[str, FormRef] = field(default_factory=dict)
    forms: dict[str, Any] = field(default_factory=dict)  # Bazar id -> our form
    records: dict[str, int] = field(default_factory=dict)  # id_fiche -> record id
    pending: list[tuple[int, dict[str, list[str]]]] = field(default_factory=list)
    ctx: Any = None
    notes: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)
    attachments: int = 0
    old_versions: int = 0
    users: int = 0
    comments: int = 0


def page_item(state: State, site: Site, page: Page) -> Item:
    """One page and all its versions in Markdown, ready for ``import_history``."""
    item = Item(f"Page {page.tag}", remote_id=f"page:{page.tag}")
    convert = converter(state, site)
    revisions, too_long = [], 0
    for number, version in enumerate(page.versions, 1):
        conversion = convert(version.body)
        if len(conversion.markdown.encode("utf-8")) > MAX_MARKUP_BYTES:
            too_long += 1
            continue
        if number == len(page.versions):
            state.notes.update(conversion.notes)
            state.dropped.update(conversion.dropped)
            state.files += [f"{page.tag} : {source}" for source in conversion.files]
        revisions.append(pages.ImportedRevision(body=conversion.markdown, created_at=version.time or utcnow(),
                                                author_name=version.user, undated=version.time is None))  # fmt: skip
    if too_long:
        item.warnings.append(f"{too_long} version(s) de plus de 1 Mo une fois convertie(s), non importée(s)")
    item.values = {"title": page.tag, "revisions": revisions}
    item.refused = None if revisions else "Aucune version de taille acceptable."
    return item


def converter(state: State, site: Site) -> Callable[[str], Any]:
    """YesWiki text -> :class:`~importers.yeswiki_syntax.Conversion`, knowing this run's forms, records and pages."""

    def record_url(name: str) -> str | None:
        """The address of the record an entry of this name became, if any."""
        record_id = state.records.get(name)
        return f"/fiches/{record_id}" if record_id is not None else None

    return lambda text: to_markdown(text, state.form_refs.get, record_url, wikinames=site.pages.__contains__)


def linked_page(db: Session, link: Link, title: str) -> Any:
    """The page an earlier import made, found by name (renamed here since: through its redirect)."""
    page, target = pages.resolve(db, slugify(title))
    return next((p for p in (page, target) if p is not None and p.id == link.page_id), None)


def is_new_page(item: Item, link: Link | None) -> bool:
    """Whether ``item`` is a page never imported before (not a redirect, its history not too heavy), which
    :func:`write_new_pages` writes with others."""
    if link is not None or "revisions" not in item.values or "target" in item.values:
        return False
    return pages.fits_a_batch(item.values["revisions"])


def write_new_pages(db: Session, items: list[Item], actor: Any) -> list[Written | Refused]:
    """Create the pages of ``items`` set-wise (``wiki.pages.services.import_new_pages``); per item, what was
    written or why it was refused."""
    histories = [(item.values["title"], item.values["revisions"]) for item in items]
    outcomes = pages.import_new_pages(db, histories, actor=actor)
    return [Refused(error_text(outcome)) if isinstance(outcome, LieuditError) else
            Written("created", page_id=outcome.page.id) for outcome in outcomes]  # fmt: skip


def redirect(db: Session, title: str, target_title: str) -> Written:
    """Make ``title`` lead to the page named ``target_title`` (written by now)."""
    page, through = pages.resolve(db, slugify(target_title))
    target = page or through
    if target is None:
        raise Refused(f"Redirection vers « {target_title} », page absente de la source et du wiki.")
    current, already = pages.resolve(db, slugify(title))
    if current is None and already is not None and already.id == target.id:
        return Written("unchanged")
    pages.add_redirect(db, title=title, target=target)
    return Written("created" if already is None else "updated")


def nothing(site: Site) -> str:
    """Why a source with nothing to import is refused, naming what it holds."""
    tables = ", ".join(sorted(site.tables))
    schema = f" : seulement la structure des tables ({tables})" if site.tables else ""
    accounts = f" et {site.users} compte(s) utilisateur (non importés)" if site.users else ""
    return (f"Cette source ({site.kind}) ne contient aucune page, aucun formulaire ni aucune fiche{schema}{accounts}. "
            "Exportez la base avec ses données (mysqldump, ou l'API : https://…/?api/pages).")  # fmt: skip


def _examples(names: list[str]) -> str:
    return ", ".join(names[:EXAMPLES]) + ("…" if len(names) > EXAMPLES else "")


def _tally(counts: Counter[str]) -> str:
    return ", ".join(f"{name} ×{count}" for name, count in counts.most_common(30))


def summary(state: State) -> list[str]:
    """One warning per kind of thing that was not carried over, for the whole run."""
    lines = []
    if state.notes:
        lines.append(
            f"Actions YesWiki sans équivalent, gardées en note visible dans les pages : {_tally(state.notes)}."
        )
    if state.dropped:
        lines.append(f"Actions de mise en page YesWiki retirées (leur contenu gardé) : {_tally(state.dropped)}.")
    if state.files:
        lines.append(f"{len(state.files)} fichier(s) joint(s) aux pages, absents de la source, cités en note : "
                     f"{_examples(state.files)}.")  # fmt: skip
    if state.attachments:
        lines.append(f"{state.attachments} image(s) ou fichier(s) de fiches absents de la source : leurs noms sont "
                     "gardés dans les autres propriétés des fiches.")  # fmt: skip
    if state.old_versions:
        lines.append(f"{state.old_versions} version(s) antérieure(s) de fiches non reprises : chaque fiche est "
                     "importée dans sa dernière version, avec son auteur et sa date de création.")  # fmt: skip
    if state.users:
        lines.append(f"{state.users} compte(s) utilisateur non importé(s) (ni mots de passe ni adresses) : "
                     "leurs noms restent sur les versions des pages et les fiches.")  # fmt: skip
    if state.comments:
        lines.append(f"{state.comments} commentaire(s) de pages non importé(s).")
    return lines
