"""Benchmark: search at scale, Whoosh and PostgreSQL, with SQLite FTS5 as a reference.

Targets (issue 6): a 100,000-document rebuild in under 5 minutes,
save-to-searchable under 200 ms, search p99 under 50 ms through HTTP at
20,000 documents.

What it does, for each engine asked (``--engine whoosh|postgres|both``):

1. Builds a throwaway instance: a SQLite file (Whoosh) or a real PostgreSQL
   started by ``tests.support.postgres.PostgresServer`` (PostgreSQL full-text
   search in the same database), runs the migrations and ``wiki.demo.seed``.
2. Loads ``--docs`` documents of about 3 KB, half pages (``pages`` +
   ``page_revisions``) and half published records of the built-in
   *Initiative* form (name, description, 1–3 themes, a commune), with bulk
   SQL inserts (the services' write path is benchmarked elsewhere; indexing
   is what is measured here). The French text is drawn from the sentences of
   the demo pages and initiatives with ``random.Random(42)``: every run and
   every engine get the same corpus.
3. ``rebuild``: ``wiki.search.maintenance.rebuild`` — what ``lieudit search
   rebuild`` runs: read every public object through its adapter, build the
   documents, write a new index aside, swap it in. Reports the time,
   documents per second and the index size on disk (Whoosh folder, or
   ``pg_total_relation_size('search_documents')``).
4. HTTP queries: a gunicorn server (``--workers`` sync workers) on the
   instance; ``GET /api/v1/search?q=…`` one request at a time, from this
   process: ``--queries`` single-word queries (words drawn from the corpus
   vocabulary, common and rare alike) and as many two-to-three-word phrases
   in quotes (taken from the corpus), after 20 warm-up requests. Reports
   p50/p99 of the whole request (connect, search, facets, JSON).
5. Save-to-searchable: ``--saves`` times, a page is created through
   ``wiki.pages.services.create_page`` and committed (the after-commit
   indexer writes it), then searched for; reports p50/p99 of commit start →
   found.
6. SQLite FTS5, once, as a reference on the same documents: one
   ``fts5(title, body, tokenize='unicode61 remove_diacritics 2')`` table
   filled in one transaction (documents per second, file size), and the same
   queries in-process (no HTTP, no stemming, ``bm25`` order, ``LIMIT 20``).

Run from the repository root::

    .venv/bin/python bench/search.py --docs 20000            # the query targets
    .venv/bin/python bench/search.py --docs 100000 --rebuild-only  # the rebuild target

``--jsonl FILE`` appends one JSON record per engine. Servers and temporary
folders are removed at the end, on errors and on Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import GunicornServer  # noqa: E402
from harness import free_port  # noqa: E402
from harness import group_cpu_seconds  # noqa: E402
from harness import http_get  # noqa: E402

BATCH = 1000
TARGET_CHARS = 3000
COMMUNES = [f"35{n:03d}" for n in range(1, 151)]


# --- corpus ------------------------------------------------------------------------------


def sentences() -> list[str]:
    """French sentences of the demo pages and initiatives (Markdown removed)."""
    from wiki.demo import initiatives

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "wiki/demo/pages").glob("*.md"))]
    texts += [v for item in initiatives.INITIATIVES for v in item.values() if isinstance(v, str) and len(v) >= 40]
    found: list[str] = []
    for text in texts:
        text = re.sub(r"[#*_`>|\[\]{}()]", " ", text)
        found += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 40 <= len(s.strip()) <= 400]
    return sorted(set(found))


def corpus(count: int) -> Iterator[tuple[int, str, str]]:
    """Yield ``(number, title, body)``: about 3 KB of French each, reproducible."""
    rng = random.Random(42)
    pool = sentences()
    words = sorted({w for s in pool for w in re.findall(r"\w{5,}", s)})
    for number in range(count):
        title = " ".join(rng.sample(words, rng.randint(2, 5))).capitalize() + f" {number}"
        parts: list[str] = []
        size = 0
        while size < TARGET_CHARS:
            sentence = rng.choice(pool)
            parts.append(sentence)
            size += len(sentence) + 1
        yield number, title, " ".join(parts)


# --- instances ---------------------------------------------------------------------------


@contextmanager
def instance(engine_name: str, tmp: Path) -> Iterator[tuple[Any, str, dict[str, Any]]]:
    """A migrated, seeded app: SQLite + Whoosh, or PostgreSQL with its full-text search."""
    from wiki import create_app
    from wiki import migrate
    from wiki.db import Database

    server = None
    app = None
    try:
        facts: dict[str, Any] = {"engine": engine_name}
        if engine_name == "postgres":
            from tests.support.postgres import PostgresServer

            server = PostgresServer(tmp / "pg")
            server.start()
            url = server.create_database("lieudit_bench")
        else:
            url = f"sqlite:///{tmp / 'lieudit.db'}"
        config = {
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(tmp / "instance"),
            "SECRET_KEY": "bench",
            "SEARCH_BACKEND": engine_name,
        }
        app = create_app(config)
        with app.app_context():
            migrate.upgrade(Database.engine(), None, backup=False)
            from wiki.demo import seed

            session = Database.new_session()
            seed(session)
            session.commit()
            session.close()
            with Database.engine().connect() as conn:
                facts["server_version"] = (
                    "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar().split()[0]
                    if engine_name == "postgres"
                    else "SQLite " + sqlite3.sqlite_version
                )
        yield app, url, facts
    finally:
        if app is not None:
            app.extensions["lieudit.search"].close()
            from wiki.db import Database

            Database.engine(app).dispose()
        if server is not None:
            server.stop()


def load(app: Any, count: int) -> float:
    """Insert ``count`` documents, half pages and half records, with bulk SQL; return seconds."""
    from sqlalchemy import insert
    from sqlalchemy import update

    from wiki.db import Database
    from wiki.pages.models import Page
    from wiki.pages.models import PageRevision
    from wiki.records import form_services
    from wiki.records import taxonomy
    from wiki.records.models import Record

    started = time.perf_counter()
    rng = random.Random(7)
    engine = Database.engine(app)
    session = Database.new_session(app)
    form = form_services.get_form(session, "initiative")
    defs = form_services.form_fields(form)
    by_type = {d.type: d for d in reversed(defs)}
    title_def = next(d for d in defs if d.key == form.title_field)
    text_def = by_type.get("longtext") or by_type["text"]
    theme_def, zone_def = by_type.get("theme"), by_type.get("zone")
    theme_keys = [t.key for t in taxonomy.list_themes(session)]
    form_id, form_revision = form.id, form.revision_number
    session.close()
    epoch = datetime(2021, 1, 1, tzinfo=UTC)
    pages, revisions, rows = [], [], []

    def flush() -> None:
        with engine.begin() as conn:
            if pages:
                conn.execute(insert(Page), pages)
                conn.execute(insert(PageRevision), revisions)
                conn.execute(
                    update(Page).where(Page.id.in_([p["id"] for p in pages])).values(current_revision_id=Page.id)
                )
            if rows:
                conn.execute(insert(Record), rows)
        pages.clear(), revisions.clear(), rows.clear()

    for number, title, body in corpus(count):
        moment = epoch + timedelta(minutes=number)
        if number % 2 == 0:
            key = number + 1
            pages.append(
                {"id": key, "slug": f"page-{number}", "title": title, "created_at": moment, "updated_at": moment}
            )
            revisions.append(
                {
                    "id": key,
                    "page_id": key,
                    "number": 1,
                    "title": title,
                    "body": body,
                    "comment": "",
                    "action": "create",
                    "created_at": moment,
                    "size": len(body.encode()),
                }
            )
        else:
            data: dict[str, Any] = {title_def.id: title, text_def.id: body}
            if theme_def is not None:
                data[theme_def.id] = rng.sample(theme_keys, rng.randint(1, 3))
            if zone_def is not None:
                data[zone_def.id] = rng.choice(COMMUNES)
            rows.append(
                {
                    "form_id": form_id,
                    "title": title,
                    "data": data,
                    "status": "published",
                    "form_revision": form_revision,
                    "revision_number": 1,
                    "created_at": moment,
                    "updated_at": moment,
                    "search_text": "",
                }
            )
        if len(pages) + len(rows) >= BATCH:
            flush()
    flush()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("pages", "page_revisions"):  # ids were given: move the sequences past them
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            conn.exec_driver_sql("VACUUM ANALYZE")
    return time.perf_counter() - started


def index_size(app: Any) -> int:
    """Bytes of the index on disk."""
    from wiki.db import Database
    from wiki.search import get_backend

    backend = get_backend(app)
    if backend.name == "postgres":
        with Database.engine(app).connect() as conn:
            return int(conn.exec_driver_sql("SELECT pg_total_relation_size('search_documents')").scalar())
    real = Path(os.path.realpath(Path(app.instance_path) / "index"))
    return sum(f.stat().st_size for f in real.rglob("*") if f.is_file())


# --- queries -----------------------------------------------------------------------------


def query_words(count: int, seed: int = 3) -> tuple[list[str], list[str]]:
    """Single words (common and rare) and quoted phrases taken from the corpus sentences."""
    rng = random.Random(seed)
    pool = sentences()
    words = sorted({w.lower() for s in pool for w in re.findall(r"[^\W\d_]{5,}", s)})
    singles = [rng.choice(words) for _ in range(count)]
    phrases = []
    while len(phrases) < count:
        tokens = re.findall(r"[^\W\d_]{3,}", rng.choice(pool))
        if len(tokens) >= 4:
            start = rng.randrange(len(tokens) - 2)
            phrases.append('"' + " ".join(tokens[start : start + rng.randint(2, 3)]) + '"')
    return singles, phrases


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))]


def summary(values: list[float]) -> dict[str, float]:
    """p50, p99, mean and max, in milliseconds."""
    return {
        "p50": round(percentile(values, 50), 2),
        "p99": round(percentile(values, 99), 2),
        "mean": round(statistics.fmean(values), 2),
        "max": round(max(values), 2),
    }


def cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (the rebuild's writer processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def http_queries(port: int, queries: list[str], pgid: int | None = None) -> tuple[dict[str, float], float]:
    """Time ``GET /api/v1/search?q=…`` one at a time; return the summary (with the server's
    CPU milliseconds per request, load-independent) and the mean hit count."""
    times, totals = [], []
    cpu_before = group_cpu_seconds(pgid) if pgid else 0.0
    for text in queries:
        path = "/api/v1/search?" + urllib.parse.urlencode({"q": text})
        started = time.perf_counter()
        status, _headers, body = http_get(port, path)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        totals.append(json.loads(body)["total"])
    result = summary(times)
    if pgid:
        result["server_cpu_ms"] = round((group_cpu_seconds(pgid) - cpu_before) * 1000 / len(queries), 2)
    return result, statistics.fmean(totals)


def save_to_searchable(app: Any, count: int) -> dict[str, float]:
    """Create and commit a page, then search until found: milliseconds from commit to found."""
    from wiki.auth.services import Anonymous
    from wiki.db import Database
    from wiki.pages import services as pages
    from wiki.search import get_backend
    from wiki.search.backend import Query

    backend = get_backend(app)
    times = []
    for number in range(count):
        word = f"zqxbench{number:05d}".replace("0", "o")
        with app.app_context():
            session = Database.new_session(app)
            pages.create_page(
                session,
                title=f"Sauvegarde {word}",
                body=f"Texte {word} à trouver.\n",
                comment="",
                actor=Anonymous(),
                policy="open",
            )
            started = time.perf_counter()
            session.commit()
            while backend.search(Query(text=word)).total == 0:
                if time.perf_counter() - started > 10:
                    raise RuntimeError(f"page {word} not searchable after 10 s")
                time.sleep(0.001)
            times.append((time.perf_counter() - started) * 1000)
            session.close()
    return summary(times)


# --- SQLite FTS5 reference -------------------------------------------------------------


def fts5_reference(count: int, singles: list[str], phrases: list[str], tmp: Path) -> dict[str, Any]:
    """The same documents in one SQLite FTS5 table; the same queries in-process."""
    path = tmp / "fts5.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    started = time.perf_counter()
    with conn:
        conn.executemany(
            "INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)", ((n + 1, t, b) for n, t, b in corpus(count))
        )
    elapsed = time.perf_counter() - started
    conn.execute("PRAGMA wal_checkpoint")
    sql = (
        "SELECT rowid, title, snippet(docs, 1, '<mark>', '</mark>', ' … ', 30) FROM docs WHERE docs MATCH ? "
        "ORDER BY bm25(docs, 3.0, 1.0) LIMIT 20"
    )
    out: dict[str, Any] = {
        "docs": count,
        "index_seconds": round(elapsed, 1),
        "docs_per_second": round(count / elapsed),
        "size_bytes": path.stat().st_size,
    }
    for name, queries in (("single", singles), ("phrase", phrases)):
        times = []
        for text in queries:
            fts = '"' + text.strip('"').replace('"', "") + '"'
            started = time.perf_counter()
            conn.execute(sql, (fts,)).fetchall()
            conn.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (fts,)).fetchone()
            times.append((time.perf_counter() - started) * 1000)
        out[name] = summary(times)
    conn.close()
    return out


# --- main -------------------------------------------------------------------------------


def run_engine(
    engine_name: str, args: argparse.Namespace, singles: list[str], phrases: list[str], tmp: Path
) -> dict[str, Any]:
    """Load, rebuild, query over HTTP and save-to-searchable for one engine."""
    from wiki.db import Database
    from wiki.search import get_backend
    from wiki.search import indexer
    from wiki.search import maintenance

    with instance(engine_name, tmp / engine_name) as (app, url, facts):
        with indexer.muted():
            facts["load_seconds"] = round(load(app, args.docs), 1)
        print(f"[{engine_name}] loaded {args.docs} documents in {facts['load_seconds']} s", flush=True)
        started, cpu, load_before = time.perf_counter(), cpu_seconds(), os.getloadavg()[0]
        count = maintenance.rebuild(Database.engine(app), get_backend(app))
        elapsed = time.perf_counter() - started
        facts |= {
            "docs": count,
            "rebuild_seconds": round(elapsed, 1),
            "docs_per_second": round(count / elapsed),
            "rebuild_cpu_seconds": round(cpu_seconds() - cpu, 1),
            "index_bytes": index_size(app),
            "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        }
        print(
            f"[{engine_name}] rebuild: {count} documents in {elapsed:.1f} s ({count / elapsed:.0f}/s), "
            f"CPU of this process and its writers {facts['rebuild_cpu_seconds']} s, index {facts['index_bytes'] / 1e6:.0f} MB, "
            f"load average {facts['load_average']}",
            flush=True,
        )
        if args.rebuild_only:
            return facts
        port = free_port()
        env = {
            "LIEUDIT_DATABASE_URL": url,
            "LIEUDIT_INSTANCE_PATH": app.instance_path,
            "LIEUDIT_SECRET_KEY": "bench",
            "LIEUDIT_SEARCH_BACKEND": engine_name,
        }
        server = GunicornServer(
            "wiki:create_app()",
            port,
            workers=args.workers,
            cwd=str(ROOT),
            env=env,
            log_path=str(tmp / f"gunicorn-{engine_name}.log"),
        )
        with server.start(ready_path="/-/health"):
            http_queries(port, singles[:20])  # warm-up: imports, searchers, caches
            facts["single"], facts["single_hits"] = http_queries(port, singles, server.pgid)
            facts["phrase"], facts["phrase_hits"] = http_queries(port, phrases, server.pgid)
        server.stop()
        print(f"[{engine_name}] HTTP single {facts['single']} phrase {facts['phrase']}", flush=True)
        facts["save_to_searchable"] = save_to_searchable(app, args.saves)
        print(f"[{engine_name}] save-to-searchable {facts['save_to_searchable']}", flush=True)
    return facts


def main() -> None:
    """Parse arguments, run the engines and the FTS5 reference, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--engine", choices=("whoosh", "postgres", "both"), default="both")
    parser.add_argument("--queries", type=int, default=300, help="single-word queries, and as many phrases")
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-fts5", action="store_true")
    parser.add_argument(
        "--rebuild-only", action="store_true", help="load and rebuild, no queries (the 100,000-document run)"
    )
    parser.add_argument("--jsonl")
    args = parser.parse_args()
    singles, phrases = query_words(args.queries)
    engines = ["whoosh", "postgres"] if args.engine == "both" else [args.engine]
    tmp = Path(tempfile.mkdtemp(prefix="lieudit-bench-search-"))
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"load average {os.getloadavg()}",
        flush=True,
    )
    results = []
    try:
        for name in engines:
            results.append(run_engine(name, args, singles, phrases, tmp))
        if not args.no_fts5 and not args.rebuild_only:
            reference = fts5_reference(args.docs, singles, phrases, tmp)
            reference["engine"] = "sqlite-fts5 (in-process)"
            results.append(reference)
            print(f"[fts5] {reference}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(
        "| engine | docs | rebuild s | docs/s | rebuild CPU s | index MB | single p50 / p99 ms (server CPU ms) "
        "| phrase p50 / p99 ms (server CPU ms) | save→found p50 / p99 ms |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in results if not args.rebuild_only else ():
        seconds = r.get("rebuild_seconds", r.get("index_seconds"))
        size = r.get("index_bytes", r.get("size_bytes", 0)) / 1e6
        save = r.get("save_to_searchable")
        saved = f"{save['p50']} / {save['p99']}" if save else "—"
        single, phrase = r["single"], r["phrase"]
        print(
            f"| {r['engine']} | {r['docs']:,} | {seconds} | {r['docs_per_second']:,} | {r.get('rebuild_cpu_seconds', '—')} | "
            f"{size:.0f} | {single['p50']} / {single['p99']} ({single.get('server_cpu_ms', '—')}) | "
            f"{phrase['p50']} / {phrase['p99']} ({phrase.get('server_cpu_ms', '—')}) | {saved} |"
        )
    print(f"load average at the end: {os.getloadavg()}")
    if args.jsonl:
        with open(args.jsonl, "a", encoding="utf-8") as handle:
            for r in results:
                handle.write(json.dumps(r | {"at": datetime.now(UTC).isoformat(), "docs_asked": args.docs}) + "\n")


if __name__ == "__main__":
    main()
