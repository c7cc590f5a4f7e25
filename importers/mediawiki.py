"""``lieudit import mediawiki DUMP.xml``: the pages of a MediaWiki export, with their whole history.

The dump (Special:Export or dumpBackup.php, ``.xml``, ``.xml.gz`` or
``.xml.bz2``) is read twice by :func:`importers.mediawiki_xml.read_dump`, one
page at a time: :meth:`MediawikiImporter.parse` checks it all before anything
is written (a malformed file is refused with the line and column of the
error), then :meth:`MediawikiImporter.to_items` reads it again and converts
each revision (:func:`importers.wikitext.to_markdown`) and renders the
newest (:mod:`importers.mediawiki_convert`: in a worker process for a big dump,
while this one writes the pages before). Memory stays bounded by the largest
page's history, not by the dump.

Each page becomes a page here with every revision, dated and signed as on
the source (``wiki.pages.services.import_history``): the author's user name,
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

from collections import Counter
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
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
from importers.mediawiki_convert import EXAMPLES
from importers.mediawiki_convert import PageTask
from importers.mediawiki_convert import Tally
from importers.mediawiki_convert import author_name as author_name
from importers.mediawiki_convert import convert_page
from importers.mediawiki_convert import masked as masked
from importers.mediawiki_xml import DumpError
from importers.mediawiki_xml import DumpPage
from importers.mediawiki_xml import Revision
from importers.mediawiki_xml import SiteInfo
from importers.mediawiki_xml import Source
from importers.mediawiki_xml import read_dump
from importers.pipeline import ordered_map
from importers.wikitext import to_markdown
from importers.wikitext_inline import CANONICAL
from importers.wikitext_inline import FRENCH
from importers.wikitext_inline import IMPORTED
from importers.wikitext_inline import Namespaces
from wiki.db import utcnow
from wiki.markup import slugify
from wiki.pages import services as pages
from wiki.pages.imported import keep_rendering

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
        waiting: deque[Item] = deque()  # the items whose page is being converted, in order

        def tasks() -> Iterator[PageTask | None]:
            """Each page to convert (None: no readable revision), its item queued; redirects set aside."""
            for page in read_dump(_again(batch.source), SiteInfo()):
                if page.ns not in IMPORTED:
                    continue
                name = page.title.partition(":")[2].strip() if page.ns else ""
                title = names.ours(page.ns, name or page.title) or page.title
                item = Item(page.title, remote_id=f"{wiki}#{page.id or page.title}", values={"title": title})
                revisions = _revisions(page, item.warnings)
                redirect = (page.redirect or _redirect_of(revisions[-1][1], names)) if revisions else None
                if redirect:  # written last, when the page it leads to is there
                    item.values["target"] = names.target(redirect.partition("#")[0])
                    if len(revisions) > 1:
                        item.warnings.append(f"redirection : ses {len(revisions) - 1} version(s) antérieure(s) "
                                             f"ne sont pas importées.")  # fmt: skip
                    tally.redirects.append(item)
                    continue
                waiting.append(item)
                yield PageTask(names, site, replace(page, revisions=[]), revisions) if revisions else None

        # Converting and rendering run in a worker process for a big dump, while this one writes.
        for done in ordered_map(convert_page, tasks(), total=len(batch.things)):
            item = waiting.popleft()
            if done is None:
                item.refused = "Aucune version lisible de cette page dans l'export."
                yield item
                continue
            for what, count in done.notes.items():
                for _ in range(count):
                    tally.note(what, item.ref)
            tally.categories.update(done.categories)
            kept = [r for r in done.revisions if r is not None]
            if len(kept) < len(done.revisions):
                item.warnings.append(f"{len(done.revisions) - len(kept)} version(s) de plus de 1 Mo une fois "
                                     f"convertie(s), non importée(s).")  # fmt: skip
            item.values["revisions"] = kept
            item.refused = None if kept else "Aucune version de taille acceptable."
            if kept and done.rendered is not None:
                keep_rendering(job.db, kept[-1].body, done.rendered)
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
