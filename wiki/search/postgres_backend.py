"""PostgreSQL backend: full-text search in the application's database.

For installations with several web servers (``SEARCH_BACKEND = "postgres"``):
every server sees every change at once, nothing lives on local disk.

French analysis is PostgreSQL's: the text search configuration
``lieudit_french`` is a copy of ``french`` whose words go through
``unaccent`` and then ``french_stem`` (accents folded before stemming, as
in :mod:`wiki.search.analysis`). Queries are read by
:mod:`wiki.search.syntax` and compiled with bound parameters only:
``phraseto_tsquery`` per word or phrase, ``to_tsquery('…':*)`` for the
prefix word (a quoted lexeme: nothing the person typed reaches the tsquery
syntax). The DDL lives in :data:`DDL` and :func:`table_ddl`, run by
:func:`ensure_schema` (an Alembic migration can run the same statements).

Speed: a 3 KB document's ``tsv`` is stored out of line (TOAST), and reading
it for every match is what makes full-text search slow. So searches always
go through the GIN index (``enable_seqscan = off`` for the transaction: the
planner under-rates that cost), exclusions are an index subquery, the matches
are found once per search (one statement gives the facets and the page), and
only :data:`RANKED_CANDIDATES` of them (title matches, then the most recent)
are ranked in full with ``ts_rank_cd``.
"""

from __future__ import annotations

import difflib
import logging
import time
from collections.abc import Iterable
from collections.abc import Iterator
from itertools import islice
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import text

from wiki.search import syntax
from wiki.search.backend import FACETS
from wiki.search.backend import MARK_END
from wiki.search.backend import MARK_START
from wiki.search.backend import MSG_UNAVAILABLE
from wiki.search.backend import Document
from wiki.search.backend import Hit
from wiki.search.backend import Query
from wiki.search.backend import Results
from wiki.search.backend import digest
from wiki.search.backend import empty_results
from wiki.search.backend import marked_html
from wiki.search.backend import normalise
from wiki.search.backend import sorted_counts
from wiki.search.schema import SNIPPET_SOURCE_CHARS

log = logging.getLogger("lieudit.search")

CONFIG = "lieudit_french"
TABLE = "search_documents"
BATCH = 500
#: Matches ranked in full (best title matches, then most recent): enough for the pages people read.
RANKED_CANDIDATES = 300
#: Seconds the title vocabulary (for suggestions) is kept.
VOCABULARY_TTL = 300.0

#: Extension and text search configuration, run once per database.
DDL: tuple[str, ...] = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
            CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION {CONFIG}
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$""",
)


def table_ddl(table: str = TABLE, *, indexes: bool = True) -> list[str]:
    """Return the statements creating the documents table (and its indexes) under ``table``."""
    statements = [
        f"""CREATE TABLE IF NOT EXISTS {table} (
        id text CONSTRAINT {table}_pkey PRIMARY KEY,   -- "page:42", "record:7"
        kind text NOT NULL,                            -- facet
        form text NOT NULL DEFAULT '',                 -- facet: form key of a record
        title text NOT NULL DEFAULT '',
        body text NOT NULL DEFAULT '',                 -- public text only
        excerpt text NOT NULL DEFAULT '',
        url text NOT NULL DEFAULT '',
        themes text[] NOT NULL DEFAULT '{{}}',         -- facet
        zones text[] NOT NULL DEFAULT '{{}}',          -- facet
        status text NOT NULL DEFAULT '',               -- facet
        updated_at timestamptz NOT NULL,
        digest text NOT NULL DEFAULT '',               -- finds stale entries (check, update)
        title_tsv tsvector NOT NULL,                   -- small, stored inline: cheap first ranking
        tsv tsvector NOT NULL                          -- title weighted A, body B: matching, final ranking
    )"""
    ]
    if indexes:
        statements += [
            f"CREATE INDEX IF NOT EXISTS ix_{table}_tsv ON {table} USING GIN (tsv)",
            f"CREATE INDEX IF NOT EXISTS ix_{table}_updated_at ON {table} (updated_at)",
        ]
    return statements


def ensure_schema(engine: Engine) -> None:
    """Create the extension, the French configuration, the table and its indexes if missing."""
    with engine.begin() as conn:
        for statement in (*DDL, *table_ddl()):
            conn.exec_driver_sql(statement)


def _upsert(table: str) -> Any:
    return text(f"""
        INSERT INTO {table} (id, kind, form, title, body, excerpt, url, themes, zones, status, updated_at, digest, title_tsv, tsv)
        VALUES (:id, :kind, :form, :title, :body, :excerpt, :url, :themes, :zones, :status, :updated_at, :digest,
                to_tsvector('{CONFIG}', :title),
                setweight(to_tsvector('{CONFIG}', :title), 'A') || setweight(to_tsvector('{CONFIG}', :body), 'B'))
        ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, form = EXCLUDED.form, title = EXCLUDED.title,
            body = EXCLUDED.body, excerpt = EXCLUDED.excerpt, url = EXCLUDED.url, themes = EXCLUDED.themes,
            zones = EXCLUDED.zones, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at,
            digest = EXCLUDED.digest, title_tsv = EXCLUDED.title_tsv, tsv = EXCLUDED.tsv""")


def _rows(docs: Iterable[Document]) -> Iterator[list[dict[str, Any]]]:
    """Normalised documents as parameter rows, in batches."""
    iterator = iter(docs)
    while batch := list(islice(iterator, BATCH)):
        yield [dict(doc, digest=digest(doc)) for doc in map(normalise, batch)]


class _Compiled:
    """SQL fragments and bound parameters for one parsed query."""

    def __init__(self, parsed: syntax.ParsedQuery, filters: dict[str, tuple[str, ...]]) -> None:
        self.params: dict[str, Any] = {}
        required = [self._clause(c) for c in parsed.required]
        excluded = [self._clause(c) for c in parsed.excluded]
        self.query = "(" + " && ".join(required) + ")"
        where = [f"tsv @@ {self.query}"]
        if excluded:
            # A subquery on the index, not NOT (tsv @@ …), which reads every candidate's tsvector.
            where.append(f"id NOT IN (SELECT id FROM {TABLE} WHERE tsv @@ ({' || '.join(excluded)}))")
        for name, values in filters.items():  # names are FACETS (Query.clamped), values bound
            key = self._param(list(values))
            where.append(
                f"{name} && CAST(:{key} AS text[])"
                if name in ("themes", "zones")
                else f"{name} = ANY(CAST(:{key} AS text[]))"
            )
        self.where = " AND ".join(where)

    def _param(self, value: Any) -> str:
        key = f"p{len(self.params)}"
        self.params[key] = value
        return key

    def _clause(self, clause: syntax.Clause) -> str:
        alternatives = []
        for rank, variant in enumerate(clause.variants()):
            if clause.prefix and rank == 0:  # a quoted lexeme: '…' with '' and \\ escaped, then :*
                quoted = "'" + variant.replace("\\", "\\\\").replace("'", "''") + "':*"
                alternatives.append(f"to_tsquery('{CONFIG}', :{self._param(quoted)})")
            else:
                alternatives.append(f"phraseto_tsquery('{CONFIG}', :{self._param(variant.replace('-', ' '))})")
        return "(" + " || ".join(alternatives) + ")"


def _statement(sql: _Compiled, *, recent: bool) -> str:
    """One statement for a search: the facets of every match and the hits of the page, as JSON.

    The matches are found once (``m``: for a phrase, PostgreSQL re-reads each candidate's
    tsvector to check word positions, the costliest step) and counted for every facet in
    one pass (grouping sets). The page is taken among :data:`RANKED_CANDIDATES` matches
    (title matches first, then the most recent), ranked in full with ``ts_rank_cd``.
    """
    facets = " UNION ALL ".join(
        f"SELECT '{name}', v, sum(n) FROM g, unnest(g.{name}) AS v WHERE g.{name} IS NOT NULL GROUP BY v"
        if name in ("themes", "zones")
        else f"SELECT '{name}', {name}, n FROM g WHERE {name} IS NOT NULL"
        for name in FACETS
    )
    first = "updated_at DESC, id" if recent else f"title_tsv @@ {sql.query} DESC, updated_at DESC, id"
    order = "updated_at DESC, id" if recent else "score DESC, updated_at DESC, id"
    return f"""
    WITH m AS MATERIALIZED (
        SELECT id, kind, form, status, themes, zones, updated_at, title_tsv FROM {TABLE} WHERE {sql.where}),
    g AS (SELECT kind, form, status, themes, zones, count(*) AS n FROM m
          GROUP BY GROUPING SETS ((kind), (form), (status), (themes), (zones))),
    c AS (SELECT id FROM m ORDER BY {first} LIMIT :candidates),
    page AS (SELECT d.id, d.kind, d.form, d.title, d.url, d.excerpt, d.status, d.updated_at, d.body,
                    ts_rank_cd(d.tsv, {sql.query}) AS score
             FROM c JOIN {TABLE} AS d ON d.id = c.id ORDER BY {order} LIMIT :limit OFFSET :offset)
    SELECT (SELECT json_agg(json_build_array(f, v, n)) FROM ({facets}) AS facets (f, v, n)),
           (SELECT json_agg(json_build_array(id, kind, form, title, url, excerpt, status, score,
                   ts_headline('{CONFIG}', left(body, {SNIPPET_SOURCE_CHARS}), {sql.query}, :options))
                   ORDER BY {order})
            FROM page)"""


class PostgresBackend:
    """Search in the ``search_documents`` table of the application's PostgreSQL database."""

    name = "postgres"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._vocabulary: tuple[float, dict[str, list[str]]] | None = None

    # --- writes -----------------------------------------------------------------------

    def index(self, docs: Iterable[Document]) -> int:
        """Add or replace documents (keyed on ``id``)."""
        count = 0
        with self.engine.begin() as conn:
            for rows in _rows(docs):
                conn.execute(_upsert(TABLE), rows)
                count += len(rows)
        return count

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id."""
        wanted = list(dict.fromkeys(ids))
        if wanted:
            with self.engine.begin() as conn:
                conn.execute(text(f"DELETE FROM {TABLE} WHERE id = ANY(CAST(:ids AS text[]))"), {"ids": wanted})
        return len(wanted)

    def rebuild(self, docs: Iterable[Document]) -> int:
        """Fill a new table, index it, and swap it in with a brief lock: searches go on meanwhile."""
        new = f"{TABLE}_new"
        count = 0
        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {new}")
            for statement in table_ddl(new, indexes=False):
                conn.exec_driver_sql(statement)
        for rows in _rows(docs):  # one transaction per batch: no long-held locks, bounded memory
            with self.engine.begin() as conn:
                conn.execute(_upsert(new), rows)
            count += len(rows)
        with self.engine.begin() as conn:
            for statement in table_ddl(new)[1:]:
                conn.exec_driver_sql(statement)
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
            conn.exec_driver_sql(f"ALTER TABLE {new} RENAME TO {TABLE}")
            conn.exec_driver_sql(f"ALTER TABLE {TABLE} RENAME CONSTRAINT {new}_pkey TO {TABLE}_pkey")
            for suffix in ("tsv", "updated_at"):
                conn.exec_driver_sql(f"ALTER INDEX ix_{new}_{suffix} RENAME TO ix_{TABLE}_{suffix}")
        self._vocabulary = None
        return count

    def clear(self) -> None:
        """Remove every document."""
        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {TABLE}")
        self._vocabulary = None

    def outdated(self) -> bool:
        """Never: the table's schema follows the database migrations."""
        return False

    def close(self) -> None:
        """Nothing to release: connections belong to the application's engine."""

    # --- reads ------------------------------------------------------------------------

    def digests(self) -> dict[str, str]:
        """Return the digest of every indexed document, by id."""
        with self.engine.connect() as conn:
            return {key: value for key, value in conn.execute(text(f"SELECT id, digest FROM {TABLE}"))}

    def all_ids(self) -> set[str]:
        """Return the ids of every indexed document."""
        with self.engine.connect() as conn:
            return set(conn.execute(text(f"SELECT id FROM {TABLE}")).scalars())

    def search(self, query: Query) -> Results:
        """Run a search; what people type never raises, a broken index gives a notice."""
        query = query.clamped()
        try:
            return self._search(query)
        except Exception:
            log.exception("search failed for %r", query.text[:200])
            return empty_results(query, text=query.text[:200], message=MSG_UNAVAILABLE)

    def _search(self, query: Query) -> Results:
        parsed = syntax.parse(query.text)
        if not parsed.required:
            return empty_results(query, text=parsed.display(), fixed=parsed.fixed, message=parsed.message())
        sql = _Compiled(parsed, dict(query.filters))
        options = f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=" … "'
        with self.engine.connect() as conn:
            # The GIN index, always: the planner under-rates reading every toasted tsvector (20× slower).
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            facet_rows, hit_rows = conn.execute(
                text(_statement(sql, recent=query.sort == "recent")),
                sql.params
                | {
                    "options": options,
                    "limit": query.per_page,
                    "offset": (query.page - 1) * query.per_page,
                    "candidates": max(RANKED_CANDIDATES, query.page * query.per_page),
                },
            ).one()
            counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
            for name, value, count in facet_rows or ():
                counts[name][value] = int(count)
            total = sum(counts["kind"].values())
            suggestion = self._suggest(conn, parsed) if not total else None
        hits = [
            Hit(
                id=id_,
                kind=kind,
                title=title,
                url=url,
                excerpt=excerpt,
                snippet=marked_html(snippet) if MARK_START in (snippet or "") else "",
                form=form,
                status=status,
                score=float(score or 0.0),
            )
            for id_, kind, form, title, url, excerpt, status, score, snippet in hit_rows or ()
        ]
        return Results(
            hits=hits,
            total=total,
            page=query.page,
            per_page=query.per_page,
            facets={name: sorted_counts(counts[name]) for name in FACETS},
            query=parsed.display(),
            fixed=parsed.fixed,
            message=parsed.message(),
            suggestion=suggestion,
        )

    def _words(self, conn: Any) -> dict[str, list[str]]:
        """Folded title words by first letter, kept :data:`VOCABULARY_TTL` seconds."""
        if self._vocabulary is None or time.monotonic() - self._vocabulary[0] > VOCABULARY_TTL:
            words: dict[str, list[str]] = {}
            inner = f"SELECT to_tsvector('simple', unaccent(title)) FROM {TABLE}"
            for (word,) in conn.execute(
                text("SELECT word FROM ts_stat(:inner) WHERE length(word) > 2"), {"inner": inner}
            ):
                words.setdefault(word[0], []).append(word)
            self._vocabulary = (time.monotonic(), words)
        return self._vocabulary[1]

    def _suggest(self, conn: Any, parsed: syntax.ParsedQuery) -> str | None:
        """Propose close title words for required words found nowhere (« Vouliez-vous dire … ? »)."""
        out, changed = [], False
        for clause in parsed.clauses:
            word = f'"{clause.text}"' if clause.phrase else clause.text
            if not clause.negated and not clause.phrase:
                folded = conn.execute(text("SELECT lower(unaccent(:w))"), {"w": clause.text}).scalar_one()
                known = conn.execute(
                    text(f"SELECT EXISTS (SELECT 1 FROM {TABLE} WHERE tsv @@ phraseto_tsquery('{CONFIG}', :w))"),
                    {"w": clause.text},
                ).scalar_one()
                candidates = self._words(conn).get(folded[:1], [])
                found = None if known else difflib.get_close_matches(folded, candidates, n=1, cutoff=0.75)
                if found and found[0] != folded:
                    word, changed = found[0], True
            out.append(("-" if clause.negated else "") + word)
        return " ".join(out) if changed else None
