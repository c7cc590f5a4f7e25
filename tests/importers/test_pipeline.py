"""Converting in a worker process (:mod:`importers.pipeline`): same results, in order, as in the importer's own."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from importers import get_importer
from importers import pipeline
from tests.shared import DATA
from wiki.pages import rendering
from wiki.pages.models import Page
from wiki.pages.models import PageRevision
from wiki.pages.models import RenderedRevision

SAMPLES = DATA / "mediawiki-xml"


def square(n: int) -> int:
    if n < 0:
        raise ValueError(f"négatif : {n}")
    return n * n


def test_results_come_back_in_order_from_the_worker_and_inline():
    numbers = list(range(60))
    assert list(pipeline.ordered_map(square, iter(numbers), total=60, threshold=1)) == [n * n for n in numbers]
    assert list(pipeline.ordered_map(square, iter(numbers), total=60, threshold=100)) == [n * n for n in numbers]
    assert list(pipeline.ordered_map(square, iter([]), total=0, threshold=0)) == []


def test_an_error_in_the_worker_is_raised_here():
    with pytest.raises(ValueError, match="négatif : -3"):
        list(pipeline.ordered_map(square, iter([1, 2, -3, 4]), total=4, threshold=1))


def stored(db) -> dict[str, tuple[list[str], str]]:
    """Per page slug: its revisions' bodies, oldest first, and its current revision's stored HTML."""
    out = {}
    for page in db.scalars(select(Page).order_by(Page.slug)):
        bodies = db.scalars(
            select(PageRevision.body).where(PageRevision.page_id == page.id).order_by(PageRevision.number)
        )
        html = db.scalar(select(RenderedRevision.html).where(RenderedRevision.revision_id == page.current_revision_id))
        out[page.slug] = (list(bodies), html or "")
    return out


@pytest.mark.parametrize(
    "sample", ["smw_importer-valid-test.xml", "mediawiki-core_Template-bangbang_commons_export-0.9.xml"]
)
def test_a_dump_converted_and_rendered_by_the_worker_is_stored_as_when_converted_here(db, author, monkeypatch, sample):
    data = (SAMPLES / sample).read_bytes()
    run = get_importer("mediawiki").run
    inline = run(db, data, author=author, source=sample)
    here = stored(db)
    db.rollback()
    monkeypatch.setattr(pipeline, "THRESHOLD", 1)

    def not_here(text):
        raise AssertionError("rendered in the main process")

    monkeypatch.setattr(rendering, "render_text", not_here)  # the worker renders the newest texts
    worker = run(db, data, author=author, source=sample)
    assert (worker.created, worker.updated, worker.errors, worker.warnings) == (
        inline.created, inline.updated, inline.errors, inline.warnings)  # fmt: skip
    assert stored(db) == here and here
