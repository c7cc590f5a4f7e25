"""One contract, two engines: every test runs on Whoosh and on PostgreSQL full-text search."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests.wiki.search.test_syntax import HOSTILE
from wiki.search.backend import Document
from wiki.search.backend import Query
from wiki.search.backend import Results
from wiki.search.backend import digest
from wiki.search.backend import normalise
from wiki.search.postgres_backend import PostgresBackend
from wiki.search.postgres_backend import ensure_schema
from wiki.search.whoosh_backend import WhooshBackend

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def doc(
    id: str,
    title: str,
    body: str,
    *,
    form: str = "",
    themes: tuple[str, ...] = (),
    zones: tuple[str, ...] = (),
    status: str = "",
    days: int = 0,
) -> Document:
    return Document(
        id=id,
        kind=id.split(":")[0],
        form=form,
        title=title,
        body=body,
        excerpt=body[:60],
        url=f"/{id}",
        themes=list(themes),
        zones=list(zones),
        status=status,
        updated_at=NOW - timedelta(days=days),
    )


CORPUS = [
    doc(
        "page:1",
        "Médiathèque de Redon",
        "La médiathèque prête des livres et des vélos. Horaires d'été.",
        zones=("35236",),
        days=1,
    ),
    doc("page:2", "Maison de quartier", "La maison de quartier accueille l'atelier de réparation.", days=2),
    doc("page:3", "Quartier de la gare", "Une maison ancienne près du quartier de la gare.", days=3),
    doc(
        "record:1",
        "Atelier vélo",
        "Réparation de vélos d'occasion près de l'église Saint-Sauveur d'Ille-et-Vilaine.",
        form="lieu",
        themes=("mobilite",),
        zones=("35236",),
        status="published",
        days=4,
    ),
    doc(
        "record:2",
        "Vélos électriques en location",
        "Location de vélos électriques à la journée.",
        form="lieu",
        themes=("mobilite", "energie"),
        zones=("35001",),
        status="published",
        days=5,
    ),
    doc(
        "record:3",
        "Covoiturage Redon-Rennes",
        "Aire de covoiturage ; covoiturages solidaires le mardi.",
        form="initiative",
        themes=("mobilite",),
        zones=("35236",),
        status="archived",
        days=6,
    ),
    doc(
        "record:4",
        "Jardins partagés",
        "Les jardins partagés du bourg <script>alert(1)</script> & « légumes ».",
        form="initiative",
        themes=("alimentation",),
        zones=("35236",),
        status="published",
        days=7,
    ),
]


@pytest.fixture(scope="module")
def pg_engine(postgres_server: Any) -> Iterator[sa.Engine]:
    name = f"search_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(postgres_server.create_database(name))
    ensure_schema(engine)
    ensure_schema(engine)  # idempotent
    yield engine
    engine.dispose()
    postgres_server.drop_database(name)


@pytest.fixture(params=["whoosh", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Any]:
    if request.param == "whoosh":
        engine = WhooshBackend(tmp_path / "instance" / "index")
    else:
        engine = PostgresBackend(request.getfixturevalue("pg_engine"))
        engine.clear()
    engine.index(CORPUS)
    yield engine
    engine.close()


def ids(results: Results) -> set[str]:
    return {hit.id for hit in results.hits}


def search(backend: Any, text: str, **kw: Any) -> Results:
    return backend.search(Query(text=text, **kw))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mediatheque", {"page:1"}),
        ("MÉDIATHÈQUES", {"page:1"}),
        ("velo", {"page:1", "record:1", "record:2"}),
        ("covoit", {"record:3"}),
        ("eglise", {"record:1"}),
        ("l'église", {"record:1"}),
        ("Ille-et-Vilaine", {"record:1"}),
        ("jardin partage", {"record:4"}),
        ("reparer", {"page:2", "record:1"}),
        ("velo redon", {"page:1"}),
        ("les vélos de Redon", {"page:1"}),
        ("nulle part", set()),
    ],
)
def test_french_matching(backend, text, expected):
    results = search(backend, text)
    assert ids(results) == expected
    assert results.total == len(expected)


def test_phrase_requires_the_words_in_order(backend):
    assert ids(search(backend, '"maison de quartier"')) == {"page:2"}
    assert ids(search(backend, "maison quartier")) == {"page:2", "page:3"}


def test_exclusion(backend):
    assert ids(search(backend, "velo -electrique")) == {"page:1", "record:1"}
    assert ids(search(backend, 'velo -"vélos électriques"')) == {"page:1", "record:1"}
    results = search(backend, "-velo")
    assert results.total == 0 and results.message


def test_facets_count_every_match(backend):
    results = search(backend, "velo", per_page=1)
    assert len(results.hits) == 1 and results.total == 3
    assert results.facets["kind"] == [("record", 2), ("page", 1)]
    assert results.facets["form"] == [("lieu", 2)]
    assert results.facets["themes"] == [("mobilite", 2), ("energie", 1)]
    assert results.facets["zones"] == [("35001", 1), ("35236", 2)][::-1]
    assert results.facets["status"] == [("published", 2)]


def test_filters(backend):
    assert ids(search(backend, "velo", filters={"themes": ("energie",)})) == {"record:2"}
    assert ids(search(backend, "velo", filters={"kind": ("page",)})) == {"page:1"}
    assert ids(search(backend, "velo", filters={"zones": ("35236", "35001"), "status": ("published",)})) == {
        "record:1",
        "record:2",
    }
    results = search(backend, "velo", filters={"themes": ("energie",), "bogus": ("x",)})
    assert results.total == 1 and results.facets["kind"] == [("record", 1)]
    assert search(backend, "velo", filters={"form": ("inconnu",)}).total == 0


def test_delete(backend):
    assert backend.delete(["record:2", "record:999"]) == 2
    assert ids(search(backend, "velo")) == {"page:1", "record:1"}
    assert "record:2" not in backend.all_ids()


def test_update_replaces_the_document(backend):
    backend.index([doc("page:1", "Bibliothèque de Redon", "Des livres, pas de deux-roues.", days=0)])
    assert search(backend, "mediatheque").total == 0
    results = search(backend, "bibliotheque")
    assert ids(results) == {"page:1"} and results.hits[0].title == "Bibliothèque de Redon"
    assert len(backend.all_ids()) == len(CORPUS)


def test_snippets_escape_everything_but_mark(backend):
    [hit] = search(backend, "jardins").hits
    assert "<mark>" in hit.snippet
    assert set(re.findall(r"<[^>]*>", hit.snippet)) <= {"<mark>", "</mark>"}
    assert "<script" not in hit.snippet and hit.url == "/record:4" and hit.excerpt


def test_title_matches_rank_first(backend):
    assert search(backend, "atelier").hits[0].id == "record:1"


def test_recent_first(backend):
    assert [h.id for h in search(backend, "velo", sort="recent").hits] == ["page:1", "record:1", "record:2"]


def test_pages(backend):
    second = search(backend, "velo", per_page=2, page=2)
    assert len(second.hits) == 1 and second.total == 3 and second.pages == 2
    beyond = search(backend, "velo", per_page=2, page=50)
    assert beyond.hits == [] and beyond.total == 3


def test_did_you_mean(backend):
    results = search(backend, "covoitruage")
    assert results.total == 0 and results.suggestion == "covoiturage"
    assert search(backend, "covoiturage").suggestion is None


@pytest.mark.parametrize("raw", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_never_raise(backend, raw):
    results = backend.search(Query(text=raw))
    assert isinstance(results, Results)
    assert all(set(re.findall(r"<[^>]*>", h.snippet)) <= {"<mark>", "</mark>"} for h in results.hits)


def test_simplified_queries_say_so(backend):
    results = search(backend, '"atelier vélo')
    assert results.fixed and results.message and ids(results) == {"record:1"}
    assert search(backend, "de la du").total == 0  # stop words only
    assert search(backend, "les").message


def test_rebuild_swaps_the_whole_index(backend):
    assert backend.rebuild(CORPUS[:2]) == 2
    assert backend.all_ids() == {"page:1", "page:2"}
    assert ids(search(backend, "mediatheque")) == {"page:1"}
    assert search(backend, "covoit").total == 0
    backend.index([CORPUS[5]])
    assert ids(search(backend, "covoit")) == {"record:3"}


def test_digests_match_the_documents(backend):
    assert backend.digests() == {d["id"]: digest(normalise(d)) for d in CORPUS}


def test_clear(backend):
    backend.clear()
    assert backend.all_ids() == set() and search(backend, "velo").total == 0


def test_singular_meets_plural_where_snowball_does_not(backend):
    backend.index([doc("record:9", "Le tiers-lieu du bourg", "Deux pneus, un jeu de société et des autos.")])
    for text in ("tiers-lieux", "tiers-lieu", '"tiers lieux"', "pneu atelier", "jeux", "auto -vélo"):
        expected = {"record:9"} if "atelier" not in text else set()
        assert ids(search(backend, text)) == expected, text


def test_query_bounds():
    clamped = Query(page="x", per_page=10**9, sort="hack", filters={"kind": ("page", ""), "secret": ("x",)}).clamped()
    assert clamped == Query(page=1, per_page=100, sort="relevance", filters={"kind": ("page",)})
