"""A rebuild's segment writer gives, byte for byte, the segment Whoosh's own writer gives."""

from __future__ import annotations

import random
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.formats import Positions

from tests.wiki.search.test_postings import make_doc
from tests.wiki.search.test_postings import random_bodies
from wiki.search.backend import Document
from wiki.search.backend import normalise
from wiki.search.postings import PackedPositions
from wiki.search.schema import build_schema
from wiki.search.whoosh_backend import _fields
from wiki.search.whoosh_rebuild import write_segment
from wiki.search.whoosh_writing import WRITER_OPTIONS

TITLE_WORDS = ["Médiathèque", "l'atelier", "vélos", "Ille-et-Vilaine", "jardin", "de", "la", "œuvre", "3.5"]


def documents() -> list[dict[str, object]]:
    """Documents of every shape: long posting lists (several 512-posting blocks), facets, empty titles."""
    rng = random.Random(11)
    docs = []
    for number, body in enumerate(random_bodies(1300, seed=3)):
        doc = make_doc(number, body, title=" ".join(rng.sample(TITLE_WORDS, rng.randint(1, 4))))
        if number % 3 == 0:
            doc = replace_doc(doc, kind="record", form="lieu", status="published", themes=["velo"], zones=["35236"])
        if number % 97 == 0:
            doc = replace_doc(doc, title="de la")  # stop words only: no title posting
        docs.append(_fields(normalise(doc)))
    return docs


def replace_doc(doc: Document, **values: object) -> Document:
    """A copy of ``doc`` with ``values``; dates moved so that they differ."""
    return Document(**{**doc, **values, "updated_at": datetime(2026, 1, 1 + len(doc["title"]) % 28, tzinfo=UTC)})  # type: ignore[typeddict-item]


def segment_files(folder: Path) -> dict[str, bytes]:
    """The files of the single segment in ``folder``, by extension (segment names are random)."""
    found = {}
    for path in folder.iterdir():
        if path.is_file() and "." in path.name and not path.name.startswith("_"):  # not the lock, the TOC
            found[path.name.split(".", 1)[1]] = path.read_bytes()
    return found


def test_the_segment_is_whooshs_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = documents()
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir(), theirs.mkdir()
    segment = write_segment(whoosh_index.create_in(str(ours), build_schema()), lambda: iter(docs), WRITER_OPTIONS)
    assert segment.doc_count_all() == len(docs)
    with monkeypatch.context() as patch:  # Whoosh's writer, and Whoosh's per-token positions
        patch.setattr(PackedPositions, "word_values", Positions.word_values)
        writer = whoosh_index.create_in(str(theirs), build_schema()).writer(limitmb=512, **WRITER_OPTIONS)
        for fields in docs:
            writer.add_document(**fields)
        writer._finalize_segment()
        writer._close_segment()
    expected = segment_files(theirs)
    assert {"pst", "trm", "_stored.col", "_body_len.col", "updated_at.col"} <= expected.keys()
    assert segment_files(ours) == expected


def test_an_empty_part_gives_no_segment(tmp_path: Path) -> None:
    assert write_segment(whoosh_index.create_in(str(tmp_path), build_schema()), list, WRITER_OPTIONS) is None


def test_a_failing_part_raises_and_leaves_no_writer_open(tmp_path: Path) -> None:
    def failing() -> object:
        yield _fields(normalise(make_doc(1, "atelier vélo")))
        raise OSError("disque plein")

    with pytest.raises(OSError):
        write_segment(whoosh_index.create_in(str(tmp_path), build_schema()), failing, WRITER_OPTIONS)
