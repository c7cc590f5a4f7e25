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

The corpus, its queries and the loaded instance are in ``search_data.py``; the
HTTP queries, save-to-searchable, the index size and the FTS5 reference in
``search_measures.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_data import instance  # noqa: E402
from search_data import load  # noqa: E402
from search_data import query_words  # noqa: E402
from search_measures import cpu_seconds  # noqa: E402
from search_measures import fts5_reference  # noqa: E402
from search_measures import index_size  # noqa: E402
from search_measures import save_to_searchable  # noqa: E402
from search_measures import served_queries  # noqa: E402


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
        log_path = tmp / f"gunicorn-{engine_name}.log"
        (facts["single"], facts["single_hits"]), (facts["phrase"], facts["phrase_hits"]) = served_queries(
            app, url, engine_name, singles, phrases, args.workers, log_path
        )
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
