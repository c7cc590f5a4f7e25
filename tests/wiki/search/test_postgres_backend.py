"""PostgreSQL full-text search beyond the shared contract: one statement per search, candidates, paging."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.statements import statements_with
from tests.wiki.search.test_backends import doc
from tests.wiki.search.test_backends import pg_engine  # noqa: F401 (fixture)
from wiki.search.backend import Document
from wiki.search.backend import Query
from wiki.search.postgres_backend import RANKED_CANDIDATES
from wiki.search.postgres_backend import PostgresBackend

pytestmark = pytest.mark.postgres

THEMES = ("mobilite", "energie", "alimentation", "culture")
ZONES = ("35236", "35001", "44003")
#: More matches than the candidates ranked in full, so that choosing them matters.
COUNT = RANKED_CANDIDATES + 60


def _corpus() -> list[Document]:
    docs = [
        doc(
            f"record:{n}" if n % 3 else f"page:{n}",
            f"Fiche numéro {n}",
            f"Un atelier de réparation de vélos, séance {n}. Les vélos sont prêtés.",
            form="lieu" if n % 3 else "",
            themes=THEMES[: 1 + n % 3] if n % 3 else (),
            zones=(ZONES[n % 3],),
            status="published" if n % 3 else "",
            days=n,
        )
        for n in range(1, COUNT + 1)
    ]
    # The oldest document is the only one whose title says « vélo »: it must still be among the ranked candidates.
    docs.append(doc("page:9999", "Le vélo à Redon", "Un atelier.", days=COUNT + 100))
    return docs


@pytest.fixture(scope="module")
def backend(pg_engine: Any) -> Iterator[PostgresBackend]:  # noqa: F811
    engine = PostgresBackend(pg_engine)
    engine.clear()
    engine.index(_corpus())
    yield engine
    engine.close()


def test_one_statement_finds_the_matches_once(backend, pg_engine):  # noqa: F811
    with statements_with(pg_engine, "search_documents") as seen:
        results = backend.search(Query(text='"réparation de vélos"'))
    assert results.total == COUNT
    assert len(seen) == 1
    assert seen[0].count("phraseto_tsquery") >= 1 and seen[0].count("WHERE tsv @@") == 1


def test_facets_count_every_match(backend):
    corpus = [d for d in _corpus() if "séance" in d["body"]]
    results = backend.search(Query(text="séance", per_page=5))
    assert results.total == len(corpus) and len(results.hits) == 5
    assert dict(results.facets["kind"]) == Counter(d["kind"] for d in corpus)
    assert dict(results.facets["form"]) == Counter(d["form"] for d in corpus if d["form"])
    assert dict(results.facets["status"]) == Counter(d["status"] for d in corpus if d["status"])
    assert dict(results.facets["themes"]) == Counter(t for d in corpus for t in d["themes"])
    assert dict(results.facets["zones"]) == Counter(z for d in corpus for z in d["zones"])


def test_a_title_match_is_ranked_whatever_its_age(backend):
    hits = backend.search(Query(text="velo")).hits
    assert hits[0].id == "page:9999"


def test_recent_order_pages_through_every_match(backend):
    expected = [d["id"] for d in sorted(_corpus(), key=lambda d: (-d["updated_at"].timestamp(), d["id"]))]
    seen = []
    for page in range(1, COUNT // 100 + 2):
        seen += [h.id for h in backend.search(Query(text="atelier", sort="recent", page=page, per_page=100)).hits]
    assert seen == expected
