"""A full rebuild of the Whoosh index: segments written in parallel, postings kept grouped by term.

A rebuild (``lieudit search rebuild``, ``restore``) splits the documents
into *parts* (ranges of ids of one kind, :func:`wiki.search.maintenance.parts`),
each built and written into one segment by a forked process that reads the
database itself: the document building (Markdown to text, field visibility)
runs in parallel too, instead of serially in the process that feeds Whoosh's
``MpWriter``. The parent writes the table of contents of the segments, in
the order of the parts, so the documents and their numbers do not depend on
the number of processes.

Each segment is written by a :class:`RebuildWriter`, Whoosh's
``SegmentWriter`` with two costs taken out, which were most of a writer's
time at 20,000 documents (profiled):

- its posting pool keeps the postings of each term in arrays as they come
  (documents arrive in ascending order) instead of one tuple per posting,
  sorted all together at commit and spilled to disk past its buffer: only
  the terms are sorted, and a part of 50,000 documents fits in memory;
- a term's postings are handed to the codec's block writer a block at a
  time, with each document's field length read once per document, not
  looked up in the segment's length column for every posting.

The segment files are byte for byte those of Whoosh's own writer for the
same documents (``tests/wiki/search/test_whoosh_rebuild.py``). The block
filling uses the internals of ``whoosh.codec.whoosh3.W3PostingsWriter``,
like :mod:`wiki.search.postings` reads them (hence the version bound).
"""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import shutil
from array import array
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from wiki.search.postings import PackedPositions
from wiki.search.schema import SCHEMA_VERSION
from wiki.search.schema import build_schema
from wiki.search.whoosh_writing import WRITER_OPTIONS
from wiki.search.whoosh_writing import cancel

_UINT32 = "I"
#: The file next to a built index's segments that records its schema version.
INFO_FILE = "lieudit.json"

#: What builds the documents of one part, in a writer process: Whoosh fields, one dict per document.
Part = Callable[[], Iterable[dict[str, Any]]]


class GroupedPool:
    """The postings of a segment being written, grouped by field and term, in arrival order.

    Stands in for Whoosh's ``PostingPool`` (the interface ``SegmentWriter``
    uses: ``add``, ``fieldnames``, ``cleanup``). A writer adds documents in
    ascending numbers, so each term's postings are already in order.
    """

    def __init__(self) -> None:
        self.fields: dict[str, dict[bytes, tuple[array[int], Any, list[bytes | None]]]] = {}
        #: The value of the document's last posting: Whoosh gives it to the spelling postings too.
        self.last_value: bytes | None = None

    @property
    def fieldnames(self) -> set[str]:
        """The names of the fields that received postings."""
        return set(self.fields)

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Add one posting ``(fieldname, term bytes, docnum, weight, value bytes)``."""
        fieldname, btext, docnum, weight, value = item
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        found = terms.get(btext)
        if found is None:
            # Weights as floats (Whoosh's spelling postings weigh int 1: kept as they are, pickled alike).
            found = terms[btext] = (array("I"), array("d") if isinstance(weight, float) else [], [])
        found[0].append(docnum)
        found[1].append(weight)
        found[2].append(value)

    def add_field(self, fieldname: str, field: Any, docnum: int, value: Any, boost: float) -> int:
        """Add the postings of one field of a document; return its length (words counted when scorable).

        A text of a :class:`PackedPositions` field read by our analyzer goes
        straight from the analyzer's positions to the term arrays; any other
        value through Whoosh's ``field.index``, as ``SegmentWriter`` does.
        """
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        length = 0
        positions = getattr(field.analyzer, "positions", None)
        if positions is not None and isinstance(value, str) and type(field.format) is PackedPositions:
            weight = field.format.field_boost
            for word, places in positions(value).items():
                btext = word.encode("utf-8")
                found = terms.get(btext)
                if found is None:
                    found = terms[btext] = (array("I"), array("d"), [])
                count = len(places)
                found[0].append(docnum)
                found[1].append(count * weight * boost)
                found[2].append(value_bytes := array(_UINT32, places).tobytes())
                length += count
                self.last_value = value_bytes
            return length if field.scorable else 0
        for btext, count, weight, vbytes in field.index(value):
            self.add((fieldname, btext, docnum, weight * boost, vbytes))
            length += count
            self.last_value = vbytes
        return length if field.scorable else 0

    def cleanup(self) -> None:
        """Drop the postings (the writer was cancelled or is done)."""
        self.fields = {}


def _in_pool_order(postings: tuple[array[int], Any, list[bytes | None]]) -> tuple[array[int], Any, list[bytes | None]]:
    """The postings of a spelling term (several per document) in the order Whoosh's pool sorts them."""
    docs, weights, values = postings
    ordered = sorted(zip(docs, weights, values, strict=True))
    return array("I", [p[0] for p in ordered]), [p[1] for p in ordered], [p[2] for p in ordered]


def _write_term(writer: Any, postings: tuple[array[int], Any, list[bytes | None]], lengths: Any) -> None:
    """Hand one term's postings to a ``W3PostingsWriter`` a block at a time (what ``add_posting`` does one by one)."""
    docs, weights, values = postings
    limit = writer._blocklimit
    for start in range(0, len(docs), limit):
        if start:
            writer._write_block()
        chunk = weights[start : start + limit]
        writer._ids = docs[start : start + limit]
        writer._weights = array("f", chunk)
        writer._values = [v for v in values[start : start + limit] if v]
        top = max(chunk)
        writer._maxweight = top if top > 0 else 0
        if lengths is not None:
            found = [length for length in map(lengths.__getitem__, writer._ids) if length]
            if found:
                writer._minlength, writer._maxlength = min(found), max(found)


class RebuildWriter(SegmentWriter):
    """A ``SegmentWriter`` for a new segment of a rebuild: postings grouped by term, written a block at a time."""

    def __init__(self, ix: Any, **options: Any) -> None:
        super().__init__(ix, _lk=False, **options)
        self.pool.cleanup()  # Whoosh's PostingPool, replaced
        self.pool: GroupedPool = GroupedPool()

    def add_document(self, **fields: Any) -> None:
        """Add one document: ``SegmentWriter.add_document`` (no vectors in our schema), postings by :meth:`GroupedPool.add_field`."""
        self._check_state()
        schema, docnum, pool, perdoc = self.schema, self.docnum, self.pool, self.perdocwriter
        docboost = self._doc_boost(fields)
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        pool.last_value = None
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                if field.vector:
                    raise ValueError(f"field {name!r}: term vectors are not written by a rebuild")
                length = 0
                if field.indexed:
                    length = pool.add_field(name, field, docnum, value, self._field_boost(fields, name, docboost))
                if field.separate_spelling():
                    spelling = field.spelling_fieldname(name)
                    for word in field.spellable_words(value):
                        pool.add((spelling, word.encode("utf-8"), 0, 1, pool.last_value))
                stored = fields.get(f"_stored_{name}", value)
                perdoc.add_field(name, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    perdoc.add_column_value(name, field.column_type, field.to_column_value(stored))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        """Write the postings of every field, terms in order (Whoosh's ``add_postings`` without its per-posting calls)."""
        self.perdocwriter.close()
        lengths = self.per_document_reader()
        fields = self.fieldwriter
        spelling = {f.spelling_fieldname(name) for name, f in self.schema.items() if f.separate_spelling()}
        try:
            for fieldname in sorted(self.pool.fields):
                fieldobj = self.schema[fieldname]
                per_doc = None
                if getattr(fieldobj, "scorable", False):
                    per_doc = [lengths.doc_field_length(docnum, fieldname) for docnum in range(self.docnum)]
                terms = self.pool.fields[fieldname]
                fields.start_field(fieldname, fieldobj)
                for btext in sorted(terms):
                    fields.start_term(btext)
                    postings = terms[btext]
                    _write_term(
                        fields._postwriter, _in_pool_order(postings) if fieldname in spelling else postings, per_doc
                    )
                    fields.finish_term()
                fields.finish_field()
            fields.close()
        finally:
            lengths.close()


def write_segment(ix: Any, part: Part, options: dict[str, Any]) -> Any:
    """Write the documents of ``part`` into one new segment of ``ix``; return the segment (None if empty)."""
    writer = RebuildWriter(ix, **options)
    try:
        for fields in part():
            writer.add_document(**fields)
        if not writer.docnum:
            writer._close_segment()
            return None
        return writer._finalize_segment()
    except BaseException:
        writer._close_segment()  # its files go with the folder of the failed rebuild
        raise


#: The index and writer settings of the parts written by this process's pool (set before it forks).
_JOB: dict[str, Any] = {}


def _write_part(number: int) -> Any:
    """In a writer process: write part ``number`` of the job; return its segment."""
    return write_segment(_JOB["ix"], _JOB["parts"][number], _JOB["options"])


def write_segments(
    ix: Any, parts: Sequence[Part], options: dict[str, Any], procs: int = 1, setup: Callable[[], None] | None = None
) -> list[Any]:
    """Write each part into its own segment, ``procs`` forked processes at a time; return them in order.

    ``setup`` runs first in each forked process (to drop the connections
    inherited from this one). A part that raises stops the whole rebuild
    (raised here, the other processes ended); empty parts give no segment.
    """
    if procs <= 1 or len(parts) <= 1:
        found = [write_segment(ix, part, options) for part in parts]
    else:
        _JOB.update(ix=ix, parts=parts, options=options)
        context = multiprocessing.get_context("fork")
        try:
            with context.Pool(min(procs, len(parts)), initializer=setup, maxtasksperchild=1) as pool:
                found = pool.map(_write_part, range(len(parts)), chunksize=1)
                pool.close()
                pool.join()
        finally:
            _JOB.clear()
    return [segment for segment in found if segment is not None]


def build_dir(path: Path, fill: Callable[[Any], Any], **options: Any) -> Path:
    """Create a complete index in ``<path>.tmp``, fill it, and move it to ``<path>-<stamp>``.

    ``fill`` gets the writer; it may return segments written aside into the
    same folder (:func:`build_parts`), which the table of contents then lists
    instead of the writer's own. On any failure the folder is removed.
    """
    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    ix = whoosh_index.create_in(str(tmp), build_schema())
    writer = ix.writer(**(WRITER_OPTIONS | options))
    try:
        segments = fill(writer)
        if segments:
            writer.commit(mergetype=lambda _writer, _existing: list(segments))
        else:
            writer.commit()
    except BaseException:
        cancel(writer)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    ix.close()
    Path(tmp, INFO_FILE).write_text(
        json.dumps({"schema_version": SCHEMA_VERSION, "built_at": datetime.now(UTC).isoformat()})
    )
    final = path.with_name(f"{path.name}-{datetime.now(UTC):%Y%m%dT%H%M%S%f}")
    os.rename(tmp, final)
    return final


def build_parts(path: Path, parts: Sequence[Part], procs: int, setup: Callable[[], None] | None) -> tuple[Path, int]:
    """Build an index aside (:func:`build_dir`) with one segment per part; return its folder and its document count."""
    written: list[Any] = []

    def fill(writer: Any) -> list[Any]:
        ix = writer.storage.open_index(writer.indexname)
        written.extend(write_segments(ix, parts, WRITER_OPTIONS, procs, setup))
        return written

    built = build_dir(path, fill)
    return built, sum(segment.doc_count_all() for segment in written)


def activate(path: Path, built: Path) -> None:
    """Point ``path`` at ``built`` with one atomic rename; remove the previous folder."""
    new_link = path.with_name(path.name + ".link")
    if new_link.is_symlink() or new_link.exists():
        new_link.unlink()
    os.symlink(built.name, new_link)
    old: Path | None = None
    if path.is_symlink():
        old = Path(os.path.realpath(path))
    elif path.exists():  # a plain folder (copied by hand): set it aside first
        old = path.with_name(f"{path.name}-old-{datetime.now(UTC):%Y%m%dT%H%M%S%f}")
        os.rename(path, old)
    os.replace(new_link, path)
    if old is not None and old != built.resolve():
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def rebuild_lock(path: Path) -> Iterator[None]:
    """Hold the lock of rebuilds of the index at ``path`` (one at a time), or refuse at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".rebuild.lock"), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError("Une reconstruction de l'index est déjà en cours.") from None
        yield
