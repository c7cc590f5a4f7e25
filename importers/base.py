"""The import job: the :class:`Importer` template method, its report, and its idempotency links.

An importer reads bytes of one source format and writes records (or zones,
or pages) through the domain services, the same ones the web forms use, so
revisions and signals happen as for a typed-in change. :meth:`Importer.run`
is the one job every importer follows:

1. :meth:`~Importer.parse` reads the source with a pure ``*_from_*`` reader,
   before the job's transaction begins (reading is the long part);
2. :meth:`~Importer.prepare` checks the destination (a form, a level...),
   whose refusal is reported before the source's;
3. :meth:`~Importer.to_items` turns what was read into :class:`Item` s
   (values for the services, or the French reason an item is refused);
4. :meth:`~Importer.write` saves each item through the services, in a
   savepoint of its own, so one refused item never undoes the others; the
   items an importer calls :meth:`~Importer.batchable` (a spreadsheet's new
   rows) are saved set-wise instead, up to ``batch_size`` at a time, by
   :meth:`~Importer.write_many`, which refuses items one by one too;
5. :meth:`~Importer.finish` runs once after the items (zones re-attach
   records, for instance).

Steps 2 to 5 run in one savepoint of the caller's transaction: a dry run, or
a source refused whole, is rolled back before ``run`` returns (nothing is
half-written, and a dry run writes nothing even if the caller commits); the
caller commits a clean run. With ``commit_every`` (the command line's
choice), a long import commits every N items instead, so its memory stays
flat: an interrupted run then leaves whole items behind, never half of one,
and running it again completes it (idempotency, below). The
:class:`ImportResult` counts what was
created, updated or left alone and keeps a per-item report, with a French
message for every refused item.

Idempotency: an importer with ``keeps_links`` remembers (:mod:`importers.links`), in
:class:`importers.models.ImportItem`, what each remote id became, keyed by
(importer, source, remote id); re-importing updates instead of duplicating.
Importers whose items carry their identity in the destination itself (the
UID of an agenda event, the INSEE code of a zone) set it to False.

Must not import: any wiki ``models.py`` or ``views.py`` (only services,
pure modules and the kernel), nor Flask's request globals.
"""

from __future__ import annotations

from abc import ABC
from abc import abstractmethod
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from itertools import islice
from typing import Any
from typing import ClassVar

from sqlalchemy.orm import Session

from importers import sniff
from importers.links import Link
from importers.links import links_of
from importers.links import read_links
from importers.links import remember
from importers.links import remember_many
from importers.report import ImportResult
from importers.report import ItemReport
from importers.report import RowError
from wiki.db import utcnow
from wiki.errors import LieuditError
from wiki.errors import ValidationError


class Refused(Exception):
    """Raised by ``prepare``/``parse``, the whole source is refused; by ``write``, only that item.

    ``errors`` and ``warnings`` are what was learnt before giving up (shown all the same).
    """

    def __init__(self, message: str, *, errors: Iterable[RowError] = (), warnings: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors)
        self.warnings = list(warnings)


@dataclass
class Batch:
    """What :meth:`Importer.parse` read: the source's things, and the ones refused while reading."""

    things: list[Any]
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Item:
    """One thing to write: its values for the services, or ``refused`` with the French reason."""

    ref: str
    values: dict[str, Any] = field(default_factory=dict)
    remote_id: str | None = None
    warnings: list[str] = field(default_factory=list)
    refused: str | None = None
    #: The parsed source object, for ``write`` to read what the values do not carry.
    parsed: Any = None


@dataclass
class Written:
    """What :meth:`Importer.write` did: ``created``, ``updated`` or ``unchanged``, and the record or page it wrote."""

    status: str
    record_id: int | None = None
    page_id: int | None = None


@dataclass
class Job:
    """One run of an importer: the session, who imports, where from, and what ``prepare`` returned."""

    db: Session
    author: Any
    source: str
    dry_run: bool
    result: ImportResult
    target: Any = None
    #: Called as ``progress(done, total)`` after each item (the command line's progress bar).
    progress: Callable[[int, int], None] | None = None
    #: Commit every so many items (None: the whole import in the caller's transaction).
    commit_every: int | None = None
    #: The savepoint the items are written in (renewed at each intermediate commit).
    savepoint: Any = None


def error_text(error: LieuditError) -> str:
    """The French message of a service error, its per-field details joined (« titre : requis ; … »)."""
    if isinstance(error, ValidationError) and error.errors:
        return " ; ".join(f"{k} : {v}" for k, v in error.errors.items())
    return error.message or "refusé."


class Importer(ABC):
    """Import one source format; subclasses are registered by name in :mod:`importers`.

    Subclasses implement :meth:`parse`, :meth:`to_items` and :meth:`write`
    (and :meth:`prepare` / :meth:`finish` when they need to). Options (a
    field mapping, a zone level…) are keyword arguments of the constructor;
    an instance keeps no state between runs.
    """

    #: Registry name (``lieudit import NAME``) and label.
    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    #: Remember what each remote id became, in ``import_items`` (see the module docstring).
    keeps_links: ClassVar[bool] = True
    #: The constructor's options the command line may pass (``mapping``, ``layer``, ``schema``…).
    options: ClassVar[frozenset[str]] = frozenset()
    #: ``parse`` streams a local file from its path (a big dump never sits in memory whole).
    reads_path: ClassVar[bool] = False
    #: At most this many :meth:`batchable` items are written together by :meth:`write_many`.
    batch_size: ClassVar[int] = 500
    #: ``to_items`` may be read ``batch_size`` items ahead of the writing: links are then read chunk by chunk.
    reads_ahead: ClassVar[bool] = False

    def run(
        self,
        db: Session,
        data: Any,
        *,
        form: str | None = None,
        author: Any = None,
        dry_run: bool = False,
        source: str = "",
        progress: Callable[[int, int], None] | None = None,
        log: str | None = None,
        commit_every: int | None = None,
    ) -> ImportResult:
        """Import ``data`` (usually bytes) into ``form``; never commits, writes nothing on a dry run.

        :param source: where the data came from (a file name, an address), kept with what it becomes.
        :param progress: told ``(items done, items in all)`` as the items are written.
        :param log: ``cli`` or ``web`` to add this run to the import log (:mod:`importers.jobs`),
            refused and dry runs included: the caller then commits even when the import was refused.
        :param commit_every: commit after every so many items (never on a dry run); the caller
            commits the rest.
        """
        started_at = utcnow()
        result = ImportResult(dry_run=dry_run)
        job = Job(db, author, source, dry_run, result, progress=progress,
                  commit_every=None if dry_run else commit_every)  # fmt: skip
        try:  # pure work first: no transaction of ours is open while a big file is read
            batch, unreadable = self.load(data), None
        except Refused as refused:
            batch, unreadable = Batch([]), refused
        job.savepoint = db.begin_nested()
        try:
            try:
                job.target = self.prepare(db, form)
                if unreadable is not None:  # a destination refused is said first, as it is checked first
                    raise unreadable
            except Refused as refused:
                result.warnings += refused.warnings
                for row in refused.errors:
                    result.refuse(*row)
                result.error = refused.message
            except LieuditError as error:
                result.error = error.message
            else:
                result.warnings += batch.warnings
                for row in batch.errors:
                    result.refuse(*row)
                self._write_all(job, self.to_items(job, batch), len(batch.things))
                self.finish(job)
        except BaseException:
            job.savepoint.rollback()
            raise
        if dry_run or result.error is not None:
            job.savepoint.rollback()
        else:
            job.savepoint.commit()
        if log is not None:
            from importers.jobs import record_job

            record_job(db, self.name, result, source=source, target=form, author=author, origin=log,
                       started_at=started_at)  # fmt: skip
        return result

    def _write_all(self, job: Job, items: Iterator[Item], total: int) -> None:
        db = job.db
        ahead = self.keeps_links and self.reads_ahead  # links then read chunk by chunk, never all at once
        links = read_links(job.db, self.name, self.scope(job)) if self.keeps_links and not ahead else {}
        pending: list[tuple[Item, Link | None]] = []  # in the source's order; written by :meth:`_write_pending`
        items = self._ahead(job, items, pending, links) if ahead else items
        waiting_ids: set[str] = set()  # the remote ids of the pending items
        for done, item in enumerate(items, 1):
            if job.progress is not None:
                job.progress(done, max(total, done))
            if job.commit_every and done > 1 and (done - 1) % job.commit_every == 0:  # every N items written
                self._write_pending(job, pending, links)
                job.savepoint.commit()
                db.commit()  # whole items only: what was written so far stays, the search index follows
                job.savepoint = db.begin_nested()
            if item.remote_id and item.remote_id in waiting_ids:
                self._write_pending(job, pending, links)  # its link may be the earlier item's
            if not pending:
                waiting_ids.clear()
            link = links.get(item.remote_id) if item.remote_id else None
            pending.append((item, link))
            if item.remote_id:
                waiting_ids.add(item.remote_id)
            if len(pending) >= self.batch_size or not self.batchable(item, link):
                self._write_pending(job, pending, links)
        self._write_pending(job, pending, links)

    def _ahead(self, job: Job, items: Iterator[Item], pending: list[tuple[Item, Link | None]],
               links: dict[str, Link]) -> Iterator[Item]:  # fmt: skip
        """The items, :attr:`batch_size` ahead; ``links``: the chunk's (read after the pending items are written)."""
        for chunk in iter(lambda: list(islice(items, self.batch_size)), []):
            self._write_pending(job, pending, links)
            ids = [item.remote_id for item in chunk if item.remote_id]
            links.clear()
            links.update(links_of(job.db, self.name, self.scope(job), ids))
            yield from chunk

    def _write_pending(self, job: Job, pending: list[tuple[Item, Link | None]], links: dict[str, Link]) -> None:
        """Write the items waiting, in order: the batchable ones set-wise first (they come first), then the other."""
        batch = [(item, link) for item, link in pending if item.refused is None and self.batchable(item, link)]
        outcomes = self._write_batch(job, batch, links) if batch else {}
        for item, link in pending:
            job.result.warnings += [f"{item.ref} : {warning}" for warning in item.warnings]
            outcome = outcomes.get(id(item))
            if item.refused is not None:
                job.result.refuse(item.ref, item.refused, item.remote_id)
            elif isinstance(outcome, Refused):
                job.result.refuse(item.ref, outcome.message, item.remote_id)
            elif outcome is not None:
                job.result.add(ItemReport(item.ref, outcome.status, remote_id=item.remote_id,
                                          record_id=outcome.record_id))  # fmt: skip
            else:
                self._write_one(job, item, link, links)
        pending.clear()

    def _write_batch(
        self, job: Job, batch: list[tuple[Item, Link | None]], links: dict[str, Link]
    ) -> dict[int, Written | Refused]:
        """:meth:`write_many` in a savepoint; its outcomes by ``id(item)``, none when the batch had to be undone.

        A batch refused whole (an error the service could not pin on one item) is rolled back, and its
        items are then written one by one, each refusal said for its own item.
        """
        savepoint = job.db.begin_nested()
        try:
            outcomes = self.write_many(job, [item for item, _ in batch])
            if self.keeps_links:
                remember_many(job.db, self.name, self.scope(job), [
                    (item.remote_id, link, Link(written.record_id, written.page_id))
                    for (item, link), written in zip(batch, outcomes, strict=True)
                    if isinstance(written, Written) and item.remote_id
                    and (written.record_id or written.page_id) is not None], links)  # fmt: skip
        except (Refused, LieuditError):
            savepoint.rollback()
            return {}
        savepoint.commit()
        return {id(item): outcome for (item, _), outcome in zip(batch, outcomes, strict=True)}

    def _write_one(self, job: Job, item: Item, link: Link | None, links: dict[str, Link]) -> None:
        """Write one item in a savepoint of its own, and report it."""
        db, result = job.db, job.result
        savepoint = db.begin_nested()
        try:
            written = self.write(job, item, link)
            if self.keeps_links and item.remote_id and (written.record_id or written.page_id) is not None:
                now = Link(written.record_id, written.page_id)
                links[item.remote_id] = remember(db, self.name, self.scope(job), item.remote_id, link, now)
        except Refused as refused:
            savepoint.rollback()
            result.refuse(item.ref, refused.message, item.remote_id)
            return
        except LieuditError as error:
            savepoint.rollback()
            result.refuse(item.ref, error_text(error), item.remote_id)
            return
        savepoint.commit()
        result.add(ItemReport(item.ref, written.status, remote_id=item.remote_id, record_id=written.record_id))

    def load(self, data: Any) -> Batch:
        """:meth:`parse` ``data``, once it is known not to be a file of another kind (:mod:`importers.sniff`).

        :raises Refused: a file of a kind this importer does not read (a GeoPackage given to the GeoJSON
            importer), named with the format to choose; or what :meth:`parse` refuses, with what the file
            seems to be when the reader's message does not say it.
        """
        head = sniff.head_of(data)
        kind = sniff.sniff(head) if head else None
        if kind is not None and self.accepts(kind):
            kind = None  # a file of its own kind: the reader's message says more
        if kind is not None and kind.sure:
            raise Refused(sniff.not_read(kind, self.label, self.advice(kind)))
        try:
            return self.parse(data)
        except Refused as refused:
            if kind is not None:
                refused.message = sniff.named(refused.message, kind, self.advice(kind))
            raise

    def accepts(self, kind: sniff.Kind) -> bool:
        """Whether this importer reads files of ``kind`` (those its registry name reads, by default)."""
        return kind.importer == self.name

    def advice(self, kind: sniff.Kind) -> str:
        """What to do with a file of ``kind`` this importer does not read (« choisissez le format kml »)."""
        return sniff.advice(kind)

    # --- the steps subclasses provide ----------------------------------------------------------

    def prepare(self, db: Session, form: str | None) -> Any:
        """Check the destination and return what the other steps need (``job.target``).

        :raises Refused: the destination cannot receive this import.
        """
        return None

    @abstractmethod
    def parse(self, data: Any) -> Batch:
        """Read the source (pure: no database).

        :raises Refused: the source cannot be read at all.
        """

    @abstractmethod
    def to_items(self, job: Job, batch: Batch) -> Iterator[Item]:
        """Turn each thing read into an :class:`Item` (refused ones included, with their reason)."""

    @abstractmethod
    def write(self, job: Job, item: Item, link: Link | None) -> Written:
        """Save one item through the services; ``link`` is what its remote id became last time.

        :raises Refused: this item is refused (so are the services' ``LieuditError`` s).
        """

    def batchable(self, item: Item, link: Link | None) -> bool:
        """Whether ``item`` may be written with others by :meth:`write_many` (never, by default)."""
        return False

    def write_many(self, job: Job, items: list[Item]) -> list[Written | Refused]:
        """Save several batchable items at once; per item in order, what was written or why it was refused.

        Whatever it writes for a refused item is the importer's to avoid (the batch shares one savepoint).

        :raises Refused: the batch cannot be written set-wise (its items are then written one by one).
        """
        raise Refused("pas d'écriture groupée pour ce format")  # by default: each item written by :meth:`write`

    def finish(self, job: Job) -> None:
        """Run once after every item was written (nothing by default)."""
        return None  # an optional hook, not an abstract step

    def scope(self, job: Job) -> str:
        """The ``source`` the idempotency links are kept under: where the data came from, by default."""
        return job.source[:300]
