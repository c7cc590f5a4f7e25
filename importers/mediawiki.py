"""``lieudit import mediawiki DUMP.xml``: the pages of a MediaWiki export, with their whole history.

The dump (Special:Export or dumpBackup.php, ``.xml``, ``.xml.gz`` or
``.xml.bz2``) is read twice by :func:`importers.mediawiki_xml.read_dump`, one
page at a time: :meth:`MediawikiImporter.parse` checks it all before anything
is written (a malformed file is refused with the line and column of the
error), then :meth:`MediawikiImporter.to_items` reads it again and converts
each revision (:func:`importers.wikitext.to_markdown`). Memory stays bounded
by the largest page's history, not by the dump.

Each page becomes a page here with every revision, dated and signed as on
the source (``wiki.pages.services.import_history``; pages new here are
written a hundred at a time by ``import_new_pages``, with the same result
in a few statements per batch): the author's user name,
« Anonyme » for an IP address (never kept), the edit comment (addresses in
it masked). Namespaces: the main one, the project's, help (« Aide: »),
templates (« Modèle: », their source kept as code: their output is not in
a dump) and categories (« Catégorie: ») are imported; talk, user, file,
MediaWiki and extension namespaces are skipped and counted in a warning.
A page whose last revision is a redirect becomes a redirect here, once the
pages are written. Categories stay as links to the « Catégorie:… » pages.

Idempotency: by the page id in the source wiki (its ``dbname`` or address),
whatever the dump file is called; a re-run appends only the revisions not yet
imported. Importers may not import wiki models: pages are reached by name.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import ClassVar

from sqlalchemy.orm import Session

from importers import sniff
from importers.base import Batch
from importers.base import Importer
from importers.base import Item
from importers.base import Job
from importers.base import Link
from importers.base import Refused
from importers.base import Written
from importers.base import error_text
from importers.mediawiki_xml import DumpError
from importers.mediawiki_xml import DumpPage
from importers.mediawiki_xml import Revision
from importers.mediawiki_xml import SiteInfo
from importers.mediawiki_xml import Source
from importers.mediawiki_xml import read_dump
from importers.wikitext import fenced
from importers.wikitext import to_markdown
from importers.wikitext_inline import CANONICAL
from importers.wikitext_inline import FRENCH
from importers.wikitext_inline import IMPORTED
from importers.wikitext_inline import Namespaces
from wiki.db import utcnow
from wiki.errors import LieuditError
from wiki.markup import MAX_MARKUP_BYTES
from wiki.markup import slugify
from wiki.pages import services as pages

ANONYMOUS = "Anonyme"
TEMPLATE, CATEGORY = 10, 14
#: « imported>Nom »: a user of another wiki, in a dump of a wiki that imported their edits.
_IMPORTED_PREFIX = re.compile(r"^[\w-]{1,40}>(?=\S)")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"\b(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{0,4}(?![:\w])")
#: How many page names a summary warning gives as examples.
EXAMPLES = 5
#: What the summary says of the pages where the converter kept or dropped something (see :mod:`importers.wikitext`).
PHRASES = {
    "modèles": "gardent des modèles {{…}} en code visible (leur rendu n'est pas dans l'export)",
    "images": "citent des images, gardées en note (les fichiers ne sont pas dans l'export)",
    "tableaux complexes": "gardent un tableau complexe en wikitexte (bloc de code)",
    "annotations sémantiques": "ont des annotations Semantic MediaWiki [[propriété::valeur]], gardées en texte",
    "balises de mise en page retirées": "avaient des balises de mise en page (div, span, center, font…), "
    "retirées, leur texte gardé",
    "slots": "ont des emplacements (slots) autres que « main », non importés",
}


@dataclass
class DumpBatch(Batch):
    """What ``parse`` learnt: the pages to import (namespace, title), and where to read them again."""

    source: Any = None
    site: SiteInfo = field(default_factory=SiteInfo)


@dataclass
class Tally:
    """What the run met, for the summary warnings: constructs kept as text, categories, redirects."""

    kept: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    categories: Counter[str] = field(default_factory=Counter)
    redirects: list[Item] = field(default_factory=list)

    def note(self, what: str, title: str) -> None:
        """Count one page that has ``what``, keeping a few names as examples."""
        self.kept[what] += 1
        names = self.examples.setdefault(what, [])
        if len(names) < EXAMPLES:
            names.append(title)


def author_name(revision: Revision) -> str:
    """The name an imported revision is signed with: never an IP address (« Anonyme »)."""
    name = _IMPORTED_PREFIX.sub("", revision.author).strip()
    if revision.anonymous or not name:
        return ANONYMOUS
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return name
    return ANONYMOUS


def masked(comment: str) -> str:
    """An edit comment with the IP addresses it names masked."""
    return _IPV6.sub("[IP masquée]", _IPV4.sub("[IP masquée]", comment))


def file_address(site: SiteInfo) -> Callable[[str], str] | None:
    """Where a file's page is on the source wiki, from its main page address (None when unknown)."""
    base = site.base
    if not base.startswith(("http://", "https://")):
        return None
    prefix = base[: base.index("title=") + 6] if "title=" in base else base.rsplit("/", 1)[0] + "/"
    namespace = site.namespaces.get(6) or "File"
    return lambda name: prefix + urllib.parse.quote(f"{namespace}:{name}".replace(" ", "_"), safe=":/")


def namespace_label(site: SiteInfo, ns: int) -> str:
    """A namespace's name for a French warning: the dump's own, or MediaWiki's, or its number."""
    return site.namespaces.get(ns) or FRENCH.get(ns) or CANONICAL.get(ns) or f"n° {ns}"


class MediawikiImporter(Importer):
    """Pages of a MediaWiki XML export, each with all its revisions; redirects; categories as pages."""

    name = "mediawiki"
    label = "MediaWiki (export XML)"
    options: ClassVar[frozenset[str]] = frozenset()
    #: The command line may hand over the file's path rather than its bytes (the dump is streamed).
    reads_path: ClassVar[bool] = True
    #: New pages written together (:meth:`write_many`).
    batch_size: ClassVar[int] = pages.BATCH_PAGES

    def accepts(self, kind: sniff.Kind) -> bool:
        """An export, as XML or compressed (``.xml.gz``, ``.xml.bz2``: the dump is read through them)."""
        return kind in (sniff.GZIP, sniff.BZIP2) or super().accepts(kind)

    def prepare(self, db: Session, form: str | None) -> Tally:
        """Nothing to check (pages go to no form); a fresh tally for the summary.

        :raises Refused: a form was named.
        """
        if form:
            raise Refused("Un export MediaWiki devient des pages, pas des fiches : --form ne s'applique pas.")
        return Tally()

    def parse(self, data: Source) -> DumpBatch:
        """Read the whole dump once, keeping only which pages to import; count what is skipped.

        :raises Refused: not well-formed XML (with its line and column), or not a MediaWiki export.
        """
        site, skipped, examples = SiteInfo(), Counter[int](), dict[int, list[str]]()
        kept: list[tuple[int, str]] = []
        try:
            for page in read_dump(data, site):
                if page.ns in IMPORTED:
                    kept.append((page.ns, page.title))
                    continue
                skipped[page.ns] += 1
                if skipped[page.ns] <= EXAMPLES:
                    examples.setdefault(page.ns, []).append(page.title)
        except DumpError as error:
            raise Refused(f"Export MediaWiki illisible : {error.message}") from None
        except OSError as error:
            raise Refused(f"Export MediaWiki illisible : {error}") from None
        warnings = [f"{count} page(s) de l'espace « {namespace_label(site, ns)} » (n° {ns}) non importée(s) : "
                    f"{', '.join(examples[ns])}{'…' if count > EXAMPLES else ''}"
                    for ns, count in sorted(skipped.items())]  # fmt: skip
        if site.version and site.version.split(".")[0] == "0" and _minor(site.version) > 11:
            warnings.append(f"Schéma d'export {site.version}, plus récent que 0.11 : lu comme 0.11.")
        return DumpBatch(kept, warnings=warnings, source=data, site=site)

    def scope(self, job: Job) -> str:
        """One scope for every MediaWiki import: the remote ids name their wiki (see :meth:`to_items`)."""
        return "mediawiki"

    def to_items(self, job: Job, batch: Batch) -> Iterator[Item]:
        """Read the dump again: each page with its converted revisions; the redirects last."""
        assert isinstance(batch, DumpBatch)
        tally: Tally = job.target
        site = batch.site
        names = Namespaces(dict(site.namespaces))
        wiki = (site.dbname or site.base or site.sitename or "?")[:80]
        convert = _converter(names, file_address(site), tally)
        for page in read_dump(_again(batch.source), SiteInfo()):
            if page.ns not in IMPORTED:
                continue
            name = page.title.partition(":")[2].strip() if page.ns else ""
            title = names.ours(page.ns, name or page.title) or page.title
            remote_id = f"{wiki}#{page.id or page.title}"
            item = Item(page.title, remote_id=remote_id)
            revisions = _revisions(page, item.warnings)
            if not revisions:
                item.refused = "Aucune version lisible de cette page dans l'export."
                yield item
                continue
            redirect = page.redirect or _redirect_of(revisions[-1][1], names)
            if redirect:  # written last, when the page it leads to is there
                item.values = {"title": title, "target": names.target(redirect.partition("#")[0])}
                if len(revisions) > 1:
                    item.warnings.append(f"redirection : ses {len(revisions) - 1} version(s) antérieure(s) "
                                         f"ne sont pas importées.")  # fmt: skip
                tally.redirects.append(item)
                continue
            converted = [convert(page, moment, r, i == len(revisions) - 1) for i, (moment, r) in enumerate(revisions)]
            kept = [r for r in converted if r is not None]
            if len(kept) < len(converted):
                item.warnings.append(f"{len(converted) - len(kept)} version(s) de plus de 1 Mo une fois convertie(s), "
                                     f"non importée(s).")  # fmt: skip
            item.values = {"title": title, "revisions": kept}
            item.refused = None if kept else "Aucune version de taille acceptable."
            yield item
        yield from tally.redirects

    def write(self, job: Job, item: Item, link: Link | None) -> Written:
        """Create the page with its history, or append the revisions it lacks; or make a redirect."""
        if "target" in item.values:
            return _redirect(job.db, item.values["title"], item.values["target"])
        existing = _linked_page(job.db, link, item.values["title"]) if link is not None else None
        imported = pages.import_history(job.db, title=item.values["title"], revisions=item.values["revisions"],
                                        actor=job.author, page=existing)  # fmt: skip
        status = "created" if existing is None else "updated" if imported.added else "unchanged"
        return Written(status, page_id=imported.page.id)

    def batchable(self, item: Item, link: Link | None) -> bool:
        """A page never imported before, not a redirect, its history not too heavy: written with others."""
        return link is None and "revisions" in item.values and pages.fits_a_batch(item.values["revisions"])

    def write_many(self, job: Job, items: list[Item]) -> list[Written | Refused]:
        """Create the pages of ``items`` set-wise (``wiki.pages.services.import_new_pages``), or say why not."""
        histories = [(item.values["title"], item.values["revisions"]) for item in items]
        outcomes = pages.import_new_pages(job.db, histories, actor=job.author)
        return [Refused(error_text(outcome)) if isinstance(outcome, LieuditError) else
                Written("created", page_id=outcome.page.id) for outcome in outcomes]  # fmt: skip

    def finish(self, job: Job) -> None:
        """Say, once for the whole dump, what was kept as text and which categories were met."""
        tally: Tally = job.target
        result = job.result
        for what, count in sorted(tally.kept.items()):
            phrase = PHRASES.get(what, f"gardent une {what} en code visible")
            examples = ", ".join(tally.examples[what]) + ("…" if count > EXAMPLES else "")
            result.warnings.append(f"{count} page(s) {phrase} : {examples}")
        if tally.categories:
            shown = ", ".join(f"{name} ({count})" for name, count in tally.categories.most_common(20))
            more = "…" if len(tally.categories) > 20 else ""
            result.warnings.append(f"{len(tally.categories)} catégorie(s), gardées en liens vers les pages "
                                   f"« Catégorie:… » : {shown}{more}")  # fmt: skip


def _minor(version: str) -> int:
    minor = version.partition(".")[2]
    return int(minor) if minor.isdigit() else 0


def _again(source: Any) -> Any:
    """The source, ready to be read from its start a second time."""
    if hasattr(source, "seek"):
        source.seek(0)
    return source


def _revisions(page: DumpPage, warnings: list[str]) -> list[tuple[datetime, Revision]]:
    """The page's readable revisions and their dates, oldest first, each once; the others said in ``warnings``."""
    seen: set[str] = set()
    kept: list[tuple[datetime, Revision]] = []
    left_out: Counter[str] = Counter()
    now = utcnow().replace(tzinfo=None)
    for revision in page.revisions:
        moment = _moment(revision.timestamp)
        why = ("en double (même numéro)" if revision.id and revision.id in seen else
               "de plus de 2 millions de caractères" if revision.too_long else
               "au texte masqué ou absent" if revision.text is None else
               "sans date lisible" if moment is None else "")  # fmt: skip
        if why or moment is None:
            left_out[why] += 1
            continue
        seen.add(revision.id)
        if moment > now:
            left_out["future"] += 1
            moment = now
        kept.append((moment, revision))
    for why, count in left_out.items():
        warnings.append(f"{count} version(s) datée(s) dans le futur : importée(s) à la date de l'import."
                        if why == "future" else f"{count} version(s) {why} non importée(s).")  # fmt: skip
    return sorted(kept, key=lambda pair: (pair[0], int(pair[1].id) if pair[1].id.isdigit() else 0))


def _moment(timestamp: str) -> datetime | None:
    """A dump's ISO 8601 timestamp as naive UTC (None when unreadable)."""
    try:
        moment = datetime.fromisoformat(timestamp.strip())
    except ValueError:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _redirect_of(revision: Revision, names: Namespaces) -> str | None:
    """The target of a revision whose text is a redirect (``#REDIRECT [[X]]``)."""
    text = revision.text or ""
    if not text.lstrip().startswith("#"):
        return None
    return to_markdown(text[:2000], names).redirect


Converter = Callable[[DumpPage, datetime, Revision, bool], "pages.ImportedRevision | None"]


def _converter(names: Namespaces, file_url: Callable[[str], str] | None, tally: Tally) -> Converter:
    """Turn one revision into an ``ImportedRevision`` (None when too long); tally the last revision's notes."""

    def convert(page: DumpPage, moment: datetime, revision: Revision, last: bool) -> pages.ImportedRevision | None:
        """One revision in Markdown (a template's source as code), dated ``moment``."""
        text = revision.text or ""
        if page.ns == TEMPLATE:
            body = "Source du modèle (wikitexte) : ses appels sont gardés tels quels dans les pages.\n\n"
            body += fenced(text) + "\n"
        elif revision.model not in ("wikitext", ""):
            body = fenced(text, {"javascript": "js", "css": "css", "json": "json"}.get(revision.model, ""))
        else:
            converted = to_markdown(text, names, file_url)
            body = converted.markdown
            if last:
                for what in converted.kept:
                    tally.note(what, page.title)
                tally.categories.update(converted.categories)
        if len(body.encode("utf-8")) > MAX_MARKUP_BYTES:
            return None
        if last and revision.other_slots:
            tally.note("slots", page.title)
        return pages.ImportedRevision(body=body, created_at=moment, undated=_moment(revision.timestamp) != moment,
                                      author_name=author_name(revision), comment=masked(revision.comment))  # fmt: skip

    return convert


def _linked_page(db: Session, link: Link, title: str) -> Any:
    """The page an earlier import made, found by name (it may have been renamed here since: redirect)."""
    page, target = pages.resolve(db, slugify(title))
    for candidate in (page, target):
        if candidate is not None and candidate.id == link.page_id:
            return candidate
    return None


def _redirect(db: Session, title: str, target_title: str) -> Written:
    """Make ``title`` lead to the page named ``target_title`` (which must exist by now)."""
    page, through = pages.resolve(db, slugify(target_title))
    target = page or through
    if target is None:
        raise Refused(f"Redirection vers « {target_title} », page absente de l'export et du wiki.")
    slug = slugify(title)
    current, already = pages.resolve(db, slug)
    if current is None and already is not None and already.id == target.id:
        return Written("unchanged")
    pages.add_redirect(db, title=title, target=target)
    return Written("created" if already is None else "updated")
